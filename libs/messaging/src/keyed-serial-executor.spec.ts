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

describe('KeyedSerialExecutor', () => {
  it('runs the tasks of one key one after another, in submission order', async () => {
    const executor = new KeyedSerialExecutor();
    const log: string[] = [];
    const [a1, a2, a3] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'a3')];
    const done = [executor.run('a', a1.task), executor.run('a', a2.task), executor.run('a', a3.task)];
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
    const done = [executor.run('a', a.task), executor.run('b', b.task)];
    await Promise.resolve();
    expect(log).toEqual(['start a', 'start b']);
    expect(executor.activeKeys).toBe(2);
    b.open();
    a.open();
    await Promise.all(done);
  });

  it('goes on with the key after a task fails, and hands the failure to its caller', async () => {
    const executor = new KeyedSerialExecutor();
    const failed = executor.run('a', () => Promise.reject(new Error('boom')));
    const next = executor.run('a', () => Promise.resolve('next'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
