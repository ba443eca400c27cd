import { setTimeout as sleep } from 'node:timers/promises';
import { PeriodicTask } from '../../src/common/periodic-task';

/** A logger that keeps what it was told, to check what a failed run logs. */
function recordingLogger() {
  const warnings: unknown[][] = [];
  return { warnings, warn: (...args: unknown[]) => void warnings.push(args) };
}

/** A promise with its resolve function outside: a run that ends when the test says so. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

function refedTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe('PeriodicTask', () => {
  // Stopped after each test also when an assertion failed, so no task outlives its test.
  const tasks: PeriodicTask[] = [];
  const newTask = (options: ConstructorParameters<typeof PeriodicTask>[0]) => {
    const task = new PeriodicTask(options);
    tasks.push(task);
    return task;
  };
  afterEach(async () => {
    await Promise.all(tasks.splice(0).map((task) => task.stop()));
  });

  it('never overlaps runs, and waits everyMs from the end of one run to the start of the next', async () => {
    const runs: { start: number; end: number }[] = [];
    let active = 0;
    let maxActive = 0;
    const task = newTask({
      name: 'slow work',
      everyMs: 20,
      logger: recordingLogger(),
      run: async () => {
        const start = performance.now();
        maxActive = Math.max(maxActive, ++active);
        await sleep(40); // twice the interval: a schedule from the start would leave no gap
        active--;
        runs.push({ start, end: performance.now() });
      },
    });
    task.start();
    await until(() => runs.length >= 4);
    await task.stop();

    expect(maxActive).toBe(1);
    for (let i = 1; i < runs.length; i++) {
      // Node counts a timer from the event loop's cached time, which lags behind on a busy
      // machine, so a timer may fire that much early: half the interval leaves room for it.
      expect(runs[i].start - runs[i - 1].end).toBeGreaterThanOrEqual(10);
    }
  });

  it('stop() resolves only once the run in progress has ended, and no run starts after it', async () => {
    const release = deferred();
    let started = 0;
    let ended = 0;
    const task = newTask({
      name: 'held work',
      everyMs: 5,
      logger: recordingLogger(),
      run: async () => {
        started++;
        await release.promise;
        ended++;
      },
    });
    task.start();
    await until(() => started === 1);

    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await sleep(30);
    expect(stopped).toBe(false); // the run is still going
    release.resolve();
    await stopping;
    expect(ended).toBe(1);

    await sleep(30);
    expect(started).toBe(1);
  });

  it('logs a failed run with its name and carries on with the next', async () => {
    const logger = recordingLogger();
    let runs = 0;
    const task = newTask({
      name: 'flaky work',
      everyMs: 5,
      logger,
      run: async () => {
        runs++;
        if (runs <= 2) throw new Error(`failure ${runs}`);
      },
    });
    task.start();
    await until(() => runs >= 4);
    await task.stop();

    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]).toEqual([{ err: new Error('failure 1') }, 'flaky work failed; retrying on the next tick']);
    expect(logger.warnings[1][0]).toEqual({ err: new Error('failure 2') });
  });

  it('also survives a run that throws before returning a promise', async () => {
    const logger = recordingLogger();
    let runs = 0;
    const task = newTask({
      name: 'sync failure',
      everyMs: 5,
      logger,
      run: () => {
        runs++;
        throw new Error('thrown synchronously');
      },
    });
    task.start();
    await until(() => runs >= 2);
    await task.stop();
    expect(logger.warnings.length).toBeGreaterThanOrEqual(1);
  });

  it('does nothing when everyMs is 0 (disabled)', async () => {
    let runs = 0;
    const task = newTask({ name: 'disabled', everyMs: 0, logger: recordingLogger(), run: async () => void runs++ });
    const before = refedTimers();
    task.start();
    expect(refedTimers()).toBe(before);
    await sleep(30);
    await task.stop();
    expect(runs).toBe(0);
  });

  it('does not keep the process alive while waiting for its next run', async () => {
    let runs = 0;
    const task = newTask({ name: 'idle', everyMs: 20, logger: recordingLogger(), run: async () => void runs++ });
    const before = refedTimers();
    task.start();
    // Its timer is pending (the run below comes from it) but unref'd: not an active resource.
    expect(refedTimers()).toBe(before);
    await until(() => runs >= 1);
    await task.stop();
  });

  it('starts once: a second start() neither doubles the runs nor restarts a stopped task', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const task = newTask({
      name: 'started twice',
      everyMs: 5,
      logger: recordingLogger(),
      run: async () => {
        runs++;
        maxActive = Math.max(maxActive, ++active);
        await sleep(10);
        active--;
      },
    });
    task.start();
    task.start();
    await until(() => runs >= 3);
    await task.stop();
    expect(maxActive).toBe(1);

    const afterStop = runs;
    task.start();
    await sleep(30);
    expect(runs).toBe(afterStop);
  });
});
