import { containerMemoryLimit, DEFAULT_OLD_SPACE_MB, serviceNodeFlags } from './node-flags.js';

const MiB = 1024 * 1024;

describe(serviceNodeFlags.name, () => {
  it('caps the old space at half the container limit, and the semi-spaces at 8 MB', () => {
    expect(serviceNodeFlags(512 * MiB, '')).toEqual(['--max-semi-space-size=8', '--max-old-space-size=256']);
    expect(serviceNodeFlags(384 * MiB, '')).toEqual(['--max-semi-space-size=8', '--max-old-space-size=192']);
  });

  it('keeps a floor for tiny limits and a default without a limit', () => {
    expect(serviceNodeFlags(128 * MiB, '')[1]).toBe('--max-old-space-size=96');
    expect(serviceNodeFlags(undefined, '')[1]).toBe(`--max-old-space-size=${DEFAULT_OLD_SPACE_MB}`);
  });

  it('leaves a flag the operator set in NODE_OPTIONS to it', () => {
    expect(serviceNodeFlags(512 * MiB, '--max-old-space-size=1024 --enable-source-maps')).toEqual([
      '--max-semi-space-size=8',
    ]);
  });
});

describe(containerMemoryLimit.name, () => {
  const files = (entries: Record<string, string>) => (path: string) => {
    const text = entries[path];
    if (text === undefined) throw new Error(`ENOENT ${path}`);
    return text;
  };

  it('reads cgroup v2, then v1; "max" and v1\'s 2^63 mean no limit', () => {
    expect(containerMemoryLimit(files({ '/sys/fs/cgroup/memory.max': '536870912\n' }))).toBe(512 * MiB);
    expect(containerMemoryLimit(files({ '/sys/fs/cgroup/memory.max': 'max\n' }))).toBeUndefined();
    expect(containerMemoryLimit(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '402653184\n' }))).toBe(
      384 * MiB,
    );
    expect(
      containerMemoryLimit(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n' })),
    ).toBeUndefined();
    expect(containerMemoryLimit(files({}))).toBeUndefined();
  });
});
