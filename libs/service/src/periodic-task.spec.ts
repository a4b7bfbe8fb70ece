import { register } from 'prom-client';
import { PeriodicTask, type PeriodicTaskOptions } from './periodic-task.js';

/** A task whose passes end when the test says so. */
class GatedTask extends PeriodicTask {
  passes = 0;
  private release: Array<(count: number) => void> = [];
  failNext = false;

  constructor(
    options: Partial<PeriodicTaskOptions> = {},
    readonly name = `gated ${crypto.randomUUID()}`,
  ) {
    super({ name, everyMs: 60_000, ...options });
  }

  protected pass(): Promise<number> {
    this.passes++;
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('database is down'));
    }
    return new Promise((resolve) => this.release.push(resolve));
  }

  finish(count: number): void {
    this.release.shift()?.(count);
  }

  get waiting(): number {
    return this.release.length;
  }
}

async function runsOf(task: string, outcome: string): Promise<number> {
  const metric = await register.getSingleMetric('hub_periodic_task_runs_total')?.get();
  return metric?.values.find((v) => v.labels.task === task && v.labels.outcome === outcome)?.value ?? 0;
}

describe(PeriodicTask.name, () => {
  it('joins the pass in flight instead of starting a second one', async () => {
    const task = new GatedTask();
    const first = task.runOnce();
    const second = task.runOnce();
    expect(task.passes).toBe(1);
    task.finish(3);
    expect(await Promise.all([first, second])).toEqual([3, 3]);
    expect(await runsOf(task.name, 'ok')).toBe(1);
  });

  it('counts a failed pass, rejects its caller, and runs the next pass afresh', async () => {
    const task = new GatedTask();
    task.failNext = true;
    await expect(task.runOnce()).rejects.toThrow('database is down');
    expect(await runsOf(task.name, 'failed')).toBe(1);
    const next = task.runOnce();
    task.finish(0);
    expect(await next).toBe(0);
    expect(task.passes).toBe(2);
  });

  it('skips a pass while the task is not ready', async () => {
    let ready = false;
    const task = new GatedTask({ ready: () => ready });
    expect(await task.runOnce()).toBe(0);
    expect(task.passes).toBe(0);
    expect(await runsOf(task.name, 'skipped')).toBe(1);
    ready = true;
    const pass = task.runOnce();
    task.finish(2);
    expect(await pass).toBe(2);
  });

  it('runs passes from start, one after the other, and stop waits for the pass in flight', async () => {
    const task = new GatedTask({ everyMs: 1, firstAfterMs: 0 });
    task.onApplicationBootstrap();
    await expect.poll(() => task.waiting).toBe(1);
    task.finish(1);
    await expect.poll(() => task.passes).toBe(2);
    expect(task.waiting).toBe(1);
    let stopped = false;
    const stopping = task.onApplicationShutdown().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    task.finish(0);
    await stopping;
    expect(task.passes).toBe(2);
  });
});
