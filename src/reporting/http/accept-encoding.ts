/**
 * True when an Accept-Encoding header admits gzip (RFC 9110 §12.5.3): named, or covered by
 * `*`, with a weight above zero. No header means identity only, as far as this service cares.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  let gzip: number | undefined;
  let anyOther: number | undefined;
  for (const item of [header].flat().join(',').split(',')) {
    const [coding, ...parameters] = item.split(';').map((part) => part.trim().toLowerCase());
    const weight = weightOf(parameters);
    if (coding === 'gzip' || coding === 'x-gzip') gzip = weight;
    else if (coding === '*') anyOther = weight;
  }
  return (gzip ?? anyOther ?? 0) > 0;
}

/** The q parameter (1 when absent); a malformed one counts as 0, refusing rather than guessing. */
function weightOf(parameters: string[]): number {
  const q = parameters.find((parameter) => parameter.startsWith('q='));
  if (q === undefined) return 1;
  const weight = q.slice(2);
  return /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(weight) ? Number(weight) : 0;
}
