/**
 * A few words for writing OpenAPI 3.0 schemas briefly. Objects list every property as required
 * unless named optional, and refuse others: an answer that gains or loses a field must say so here
 * (the e2e suite checks every answer it sees against these).
 */
type Schema = Record<string, unknown>;

export const str: Schema = { type: 'string' };
export const int: Schema = { type: 'integer' };
export const bool: Schema = { type: 'boolean' };
export const uuid: Schema = { type: 'string', format: 'uuid' };
export const dateTime: Schema = { type: 'string', format: 'date-time' };
/** Money and balances: decimal strings, never JSON numbers. */
export const decimal: Schema = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' };
/** Journal refs and details: each kind of transaction has its own. */
export const freeObject: Schema = { type: 'object', additionalProperties: true };

/** OpenAPI 3.0's null: `nullable`, and null among the values of an enum (or it still refuses null). */
export const nullable = (schema: Schema): Schema =>
  Array.isArray(schema.enum) ? { ...schema, enum: [...schema.enum, null], nullable: true } : { ...schema, nullable: true };
export const arr = (items: Schema): Schema => ({ type: 'array', items });
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const oneOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });
export const map = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });

export function obj(properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  const required = Object.keys(properties).filter((name) => !optional.includes(name));
  // OpenAPI 3.0 wants `required` to name at least one property, or to be left out.
  return { type: 'object', ...(required.length > 0 ? { required } : {}), properties, additionalProperties: false };
}
