import { exceedsDepth } from './json-depth.hook.js';

describe(exceedsDepth.name, () => {
  it('counts each object and array as one level', () => {
    expect(exceedsDepth({}, 1)).toBe(false);
    expect(exceedsDepth({ a: [] }, 1)).toBe(true);
    expect(exceedsDepth({ a: [1, 'x', null] }, 2)).toBe(false);
    expect(exceedsDepth([[[]]], 2)).toBe(true);
  });

  it('ignores scalars at any depth', () => {
    expect(exceedsDepth('x', 1)).toBe(false);
    expect(exceedsDepth(null, 1)).toBe(false);
    expect(exceedsDepth({ a: { b: 'deep' } }, 2)).toBe(false);
  });

  it('finds the one deep branch among shallow ones without recursing', () => {
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(exceedsDepth({ shallow: [1, 2], other: { x: 1 }, deep }, 32)).toBe(true);
  });
});
