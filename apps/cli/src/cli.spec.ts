import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { type CommandGroup, type CommandIo, UsageError } from './command.js';
import { positiveInt, since } from './options.js';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, cwd: process.cwd() };
}

const echo: CommandGroup = {
  name: 'echo',
  summary: 'prints its arguments',
  define(group, { io, action }) {
    action(
      group
        .argument('[words...]', 'what to print')
        .option('--times <n>', 'how many times', positiveInt(3), 1)
        .option('--since <when>', 'a time', (value: string) => since(value)),
      (words: string[], options: { times: number }) => {
        if (words.length === 0) return Promise.reject(new UsageError('nothing to echo'));
        if (words[0] === 'fail') return Promise.reject(new Error('it broke'));
        for (let i = 0; i < options.times; i++) io.out(words.join(' '));
        return Promise.resolve(0);
      },
    );
  },
};

describe('hub (commander)', () => {
  it('lists the commands on --help and exits 0, or 2 with no command at all', async () => {
    const io = capture();
    expect(await main(['--help'], io, [echo])).toBe(0);
    expect(io.stdout.join('')).toMatch(/echo \[options\] \[words\.\.\.\]\s+prints its arguments/);
    const none = capture();
    expect(await main([], none, [echo])).toBe(2);
    expect(none.stderr.join('')).toContain('Usage: hub');
  });

  it('generates each command’s help from its declaration', async () => {
    const io = capture();
    expect(await main(['echo', '--help'], io, [echo])).toBe(0);
    expect(io.stdout.join('')).toMatch(/--times <n>\s+how many times \(default: 1\)/);
  });

  it('runs a group with its arguments and parsed options', async () => {
    const io = capture();
    expect(await main(['echo', 'a', 'b', '--times=2'], io, [echo])).toBe(0);
    expect(io.stdout).toEqual(['a b', 'a b']);
  });

  it('names an unknown command or option and a bad value (exit 2); a usage mistake shows the help; a failure is 1', async () => {
    const unknown = capture();
    expect(await main(['nope'], unknown, [echo])).toBe(2);
    expect(unknown.stderr.join('')).toContain("unknown command 'nope'");
    const option = capture();
    expect(await main(['echo', 'a', '--loud'], option, [echo])).toBe(2);
    expect(option.stderr.join('')).toContain("unknown option '--loud'");
    const value = capture();
    expect(await main(['echo', 'a', '--times', '9'], value, [echo])).toBe(2);
    expect(value.stderr.join('')).toContain('not a whole number from 1 to 3');
    const when = capture();
    expect(await main(['echo', 'a', '--since', 'last tuesday'], when, [echo])).toBe(2);
    expect(when.stderr.join('')).toContain('not an ISO time or a duration back');
    const usage = capture();
    expect(await main(['echo'], usage, [echo])).toBe(2);
    expect(usage.stderr.join('')).toMatch(/hub echo: nothing to echo[\s\S]*Usage: hub echo/);
    const failed = capture();
    expect(await main(['echo', 'fail'], failed, [echo])).toBe(1);
    expect(failed.stderr.join('')).toContain('hub echo: it broke');
  });
});

describe('one duration grammar (the sensors’ and schedules’)', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  it('reads 15m, 2h, 1h30m, 7d and ISO times for --since', () => {
    expect(since('15m', now).toISOString()).toBe('2026-12-03T11:45:00.000Z');
    expect(since('1h30m', now).toISOString()).toBe('2026-12-03T10:30:00.000Z');
    expect(since('7d', now).toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(since('2026-12-01T00:00:00Z', now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(() => since('90 minutes', now)).toThrow(/not an ISO time or a duration/);
  });
});
