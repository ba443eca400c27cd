import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/**
 * For integer query parameters: only plain digits become numbers ("1e2", " 1", "0x10" stay
 * strings and fail @IsInt), and 16 digits at most, so nothing beyond a safe integer gets through.
 */
export const toQueryInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;

/** An integer query parameter from `min` to `max` (a safe integer by default), errors naming it. */
export function QueryInteger(min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return applyDecorators(
    Transform(toQueryInteger),
    IsInt({ message: '$property must be an integer' }),
    Min(min, { message: `$property must be at least ${min}` }),
    Max(max, { message: max === Number.MAX_SAFE_INTEGER ? '$property is too large' : `$property must be at most ${max}` }),
  );
}
