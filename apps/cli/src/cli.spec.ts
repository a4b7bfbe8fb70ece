import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { type CommandGroup, type CommandIo, UsageError } from './command.js';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, cwd: process.cwd() };
}

const echo: CommandGroup = {
  name: 'echo',
  summary: 'prints its arguments',
  usage: 'Usage: hub echo <words…>',
  run: (args, io) => {
    if (args.length === 0) return Promise.reject(new UsageError('nothing to echo'));
    if (args[0] === 'fail') return Promise.reject(new Error('it broke'));
    io.out(args.join(' '));
    return Promise.resolve(0);
  },
};

describe('hub', () => {
  it('lists the commands on --help and exits 0, or 2 with no command at all', async () => {
    const io = capture();
    expect(await main(['--help'], io, [echo])).toBe(0);
    expect(io.stdout.join('')).toContain('echo      prints its arguments');
    expect(await main([], capture(), [echo])).toBe(2);
  });

  it('runs a group with the words after its name', async () => {
    const io = capture();
    expect(await main(['echo', 'a', 'b'], io, [echo])).toBe(0);
    expect(io.stdout).toEqual(['a b']);
  });

  it('names an unknown command, prints a usage mistake with the usage (exit 2), and a failure (exit 1)', async () => {
    const unknown = capture();
    expect(await main(['nope'], unknown, [echo])).toBe(2);
    expect(unknown.stderr.join('')).toContain('unknown command "nope"');
    const usage = capture();
    expect(await main(['echo'], usage, [echo])).toBe(2);
    expect(usage.stderr.join('')).toMatch(/nothing to echo[\s\S]*Usage: hub echo/);
    const failed = capture();
    expect(await main(['echo', 'fail'], failed, [echo])).toBe(1);
    expect(failed.stderr.join('')).toContain('hub echo: it broke');
  });
});
