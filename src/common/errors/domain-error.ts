/**
 * A refusal in the domain's own words. Domain code never speaks HTTP: each feature declares its
 * codes, and the edge (src/http/error-status.ts) maps every code to a status, exhaustively.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    /** The input fields at fault, for refusals of input. */
    readonly fields?: readonly string[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}
