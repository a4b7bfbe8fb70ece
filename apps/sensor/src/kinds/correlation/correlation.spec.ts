import { advanceCorrelation, type Correlation, type SeenDependency } from './correlation.js';

const MINUTE = 60_000;

/** Runs `events` ([dependency, minute]) through a condition; returns which of them completed it and the last why. */
function run(condition: Correlation, events: readonly [string, number][]) {
  let seen: readonly SeenDependency[] = [];
  const completed: number[] = [];
  let why = '';
  for (const [index, [dependency, minute]] of events.entries()) {
    const step = advanceCorrelation(condition, seen, { dependency, eventId: `e${index}`, at: minute * MINUTE });
    seen = step.seen;
    why = step.why;
    if (step.complete) completed.push(index);
  }
  return { completed, why, seen };
}

const all: Correlation = { kind: 'all', of: ['a', 'b'], withinMs: 10 * MINUTE };
const sequence: Correlation = { kind: 'sequence', of: ['a', 'b', 'c'], withinMs: 10 * MINUTE };

describe(advanceCorrelation.name, () => {
  it('all: completes on the second of A and B in either order, once', () => {
    expect(
      run(all, [
        ['a', 0],
        ['b', 1],
      ]).completed,
    ).toEqual([1]);
    expect(
      run(all, [
        ['b', 0],
        ['a', 1],
      ]).completed,
    ).toEqual([1]);
    // After completing, the key starts over: a further B alone does nothing.
    expect(
      run(all, [
        ['a', 0],
        ['b', 1],
        ['b', 2],
      ]),
    ).toMatchObject({
      completed: [1],
      why: 'waiting for a, 1 of 2 seen within 10m',
    });
  });

  it('all: not when the two are further apart than the window; a later A still can', () => {
    expect(
      run(all, [
        ['a', 0],
        ['b', 11],
      ]),
    ).toMatchObject({ completed: [] });
    expect(
      run(all, [
        ['a', 0],
        ['a', 5],
        ['b', 14],
      ]).completed,
    ).toEqual([2]);
  });

  it('sequence: in order only, B before A does not count', () => {
    expect(
      run(sequence, [
        ['a', 0],
        ['b', 1],
        ['c', 2],
      ]).completed,
    ).toEqual([2]);
    const early = run(sequence, [
      ['b', 0],
      ['a', 1],
      ['c', 2],
    ]);
    expect(early.completed).toEqual([]);
    expect(early.why).toBe('c without an earlier b within 10m does not count; waiting for b, 1 of 3 seen within 10m');
    // Delivered in order but with B's time before A's: order is by event time.
    expect(
      run(sequence, [
        ['a', 5],
        ['b', 4],
        ['c', 6],
      ]).completed,
    ).toEqual([]);
  });

  it('sequence: the whole chain within the window of its first event; a repeated A keeps a chain in progress', () => {
    expect(
      run(sequence, [
        ['a', 0],
        ['b', 1],
        ['c', 11],
      ]).completed,
    ).toEqual([]);
    expect(
      run(sequence, [
        ['a', 0],
        ['b', 1],
        ['a', 2],
        ['c', 3],
      ]).completed,
    ).toEqual([3]);
    expect(
      run(sequence, [
        ['a', 0],
        ['a', 8],
        ['b', 12],
        ['c', 13],
      ]).completed,
    ).toEqual([3]);
  });
});
