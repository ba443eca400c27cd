import type { Logger } from '@nestjs/common';

export interface PeriodicTaskOptions {
  /** What the task does, for its log line: "<name> failed; retrying on the next tick". */
  name: string;
  /** The pause from the end of one run to the start of the next, in ms. 0 disables the task. */
  everyMs: number;
  /** One run. A rejection is logged and the next run comes as usual. */
  run: () => Promise<unknown>;
  /** The owning service's logger, so the line says whose task failed. */
  logger: Pick<Logger, 'warn'>;
}

/**
 * Background work in a service, e.g.
 *
 *   private readonly sweeper = new PeriodicTask({ name: 'deadline sweep', everyMs, logger, run: () => this.sweep() });
 *   onApplicationBootstrap() { this.sweeper.start(); }
 *   onApplicationShutdown() { return this.sweeper.stop(); }
 *
 * The next run is scheduled when the previous one has ended, so runs never overlap however long
 * one takes. Its timer is unref'd: a pending run never keeps the process alive.
 *
 * To have one instance of many do the work, run it in tryLockedTransaction
 * (database/advisory-lock.ts): the instances that do not get the lock skip that run. The lock
 * is taken per transaction, not per run: a run may be several transactions (the sealer commits
 * a batch at a time), each on a pooled connection of its own, and a lock held across them would
 * need one more connection for the whole run (with DB_POOL_SIZE=1, the run would wait for its
 * own connection).
 */
export class PeriodicTask {
  private state: 'new' | 'started' | 'stopped' = 'new';
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly options: PeriodicTaskOptions) {}

  /** Schedules the first run everyMs from now. Does nothing when disabled, or once started or stopped. */
  start(): void {
    if (this.state !== 'new' || !(this.options.everyMs > 0)) return;
    this.state = 'started';
    this.schedule();
  }

  /** No run starts after this; resolves when the run in progress, if any, has ended. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (this.state === 'started') this.schedule();
      });
    }, this.options.everyMs);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    try {
      await this.options.run();
    } catch (error) {
      this.options.logger.warn({ err: error }, `${this.options.name} failed; retrying on the next tick`);
    }
  }
}
