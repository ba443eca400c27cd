/**
 * Reads rows one at a time from an async iterable of batches, to merge two ordered streams:
 * looking at the next row is synchronous but for the one await per batch, so a long journal
 * costs no promise per row.
 */
export class BatchReader<Row> {
  private batch: Row[] = [];
  private index = 0;
  private ended = false;

  constructor(private readonly iterator: AsyncIterator<Row[]>) {}

  static of<Row>(iterable: AsyncIterable<Row[]>): BatchReader<Row> {
    return new BatchReader(iterable[Symbol.asyncIterator]());
  }

  /** The next row without taking it, when the current batch still holds one. */
  peek(): Row | undefined {
    return this.index < this.batch.length ? this.batch[this.index] : undefined;
  }

  /** The next row without taking it, fetching batches as needed; undefined at the end. */
  async next(): Promise<Row | undefined> {
    while (this.index >= this.batch.length && !this.ended) {
      const result = await this.iterator.next();
      if (result.done) this.ended = true;
      else [this.batch, this.index] = [result.value, 0];
    }
    return this.peek();
  }

  take(): void {
    this.index++;
  }

  /** Stops reading (the source closes its cursor). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.iterator.return?.();
  }
}
