import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** Every migration, in order. Listed explicitly so the build and tests load the same set. */
export const MIGRATIONS = [InitialSchema1764000000000];
