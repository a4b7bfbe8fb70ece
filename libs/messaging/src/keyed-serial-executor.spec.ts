import { KeyedSerialExecutor } from './keyed-serial-executor.js';

/** A task that finishes when the test says so, recording when it started and ended. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    open,
    task: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
    },
  };
}

/** Lets every promise callback queued so far run. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('KeyedSerialExecutor', () => {
  it('runs the tasks of one key one after another, in submission order', async () => {
    const executor = new KeyedSerialExecutor();
    const log: string[] = [];
    const [a1, a2, a3] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'a3')];
    const done = [executor.run('a', a1.task, 1), executor.run('a', a2.task, 2), executor.run('a', a3.task, 3)];
    await Promise.resolve();
    expect(log).toEqual(['start a1']);
    a3.open();
    a2.open();
    a1.open();
    await Promise.all(done);
    expect(log).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    expect(executor.activeKeys).toBe(0);
  });

  it('runs different keys at the same time', async () => {
    const executor = new KeyedSerialExecutor();
    const log: string[] = [];
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    const done = [executor.run('a', a.task, 1), executor.run('b', b.task, 2)];
    await Promise.resolve();
    expect(log).toEqual(['start a', 'start b']);
    expect(executor.activeKeys).toBe(2);
    b.open();
    a.open();
    await Promise.all(done);
  });

  it('goes on with the key after a task fails, and hands the failure to its caller', async () => {
    const executor = new KeyedSerialExecutor();
    const failed = executor.run('a', () => Promise.reject(new Error('boom')), 1);
    const next = executor.run('a', () => Promise.resolve('next'), 2);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('shows the items of a key waiting for their turn, oldest first, until each starts', async () => {
    const executor = new KeyedSerialExecutor<string>();
    const log: string[] = [];
    const [a1, a2, a3, b1] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'a3'), gate(log, 'b1')];
    const seen: (readonly string[])[] = [];
    const done = [
      executor.run('a', a1.task, 'a1'),
      executor.run('a', () => (seen.push([...executor.waiting('a')]), a2.task()), 'a2'),
      executor.run('b', b1.task, 'b1'),
      executor.run('a', a3.task, 'a3'),
    ];
    expect(executor.waiting('a')).toEqual(['a2', 'a3']);
    expect(executor.waiting('b')).toEqual([]);
    a1.open();
    await done[0];
    await settled();
    expect(log).toContain('start a2');
    expect(seen).toEqual([['a3']]);
    expect(executor.waiting('a')).toEqual(['a3']);
    a2.open();
    await done[1];
    await settled();
    expect(log).toContain('start a3');
    expect(executor.waiting('a')).toEqual([]);
    a3.open();
    b1.open();
    await Promise.all(done);
    expect(executor.waiting('a')).toEqual([]);
    expect(executor.activeKeys).toBe(0);
  });
});
