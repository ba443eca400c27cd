/**
 * For integer query parameters: only plain digits become numbers ("1e2", " 1", "0x10" stay
 * strings and fail @IsInt), and 16 digits at most, so nothing beyond a safe integer gets through.
 */
export const toQueryInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
