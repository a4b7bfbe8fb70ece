import { type AlertRecord, type Effects, figuresOf, noEffects } from './ledger.js';
import { formatTable } from './table.js';

const record = (app: string, sentAt: number, failing = false): AlertRecord => ({ app, sentAt, failing });
const effects = (over: Partial<Effects>): Effects => ({ ...noEffects(), ...over });

describe('fault suite figures (from the effects the fakes recorded)', () => {
  const window = { scenario: 'SIGKILL sensor', from: 1_000, to: 10_000, healedAt: 5_000 };

  it('counts an alert completed only when the vendors saw its outcome, and the rest as lost', () => {
    const seen: Record<string, Effects> = {
      remediated: effects({ syncs: 1, roots: 1, remediated: true, completedAt: 6_000 }),
      escalated: effects({ syncs: 1, roots: 1, pages: 1, tickets: 1, completedAt: 7_000 }),
      'page-without-ticket': effects({ syncs: 1, roots: 1, pages: 1 }),
      'synced-not-told': effects({ syncs: 1 }),
    };
    const accepted = Object.keys(seen).map((app, i) => record(app, 2_000 + i * 1_000));
    const row = figuresOf(window, accepted, [], (app) => seen[app] ?? noEffects());
    expect(row).toMatchObject({ accepted: 4, completed: 2, escalated: 1, lost: 2, duplicates: 0 });
    expect(row.recoverySeconds).toBeUndefined(); // two alerts from before heal() never completed
  });

  it('counts every effect seen more than once for one alert as duplicates', () => {
    const twice = effects({ syncs: 2, roots: 3, pages: 2, tickets: 2, completedAt: 6_000 });
    const row = figuresOf(window, [record('twice', 2_000)], [], () => twice);
    expect(row.duplicates).toBe(1 + 2 + 1 + 1);
    expect(row.lost).toBe(0);
  });

  it('keeps to the window: alerts and refusals outside it belong to other rows', () => {
    const done = effects({ syncs: 1, roots: 1, remediated: true, completedAt: 9_000 });
    const accepted = [record('early', 500), record('inside', 4_000), record('late', 10_000)];
    const row = figuresOf(window, accepted, [900, 4_500, 4_600, 10_500], () => done);
    expect(row).toMatchObject({ accepted: 1, refused: 2, completed: 1 });
  });

  it('measures recovery from heal() to the last earlier alert done and the first later one done', () => {
    const at: Record<string, number> = { before: 8_000, after1: 6_500, after2: 9_500 };
    const accepted = [record('before', 4_000), record('after1', 5_500), record('after2', 6_000)];
    const row = figuresOf(window, accepted, [], (app) =>
      effects({ syncs: 1, roots: 1, remediated: true, completedAt: at[app] }),
    );
    expect(row.recoverySeconds).toBe(3); // 8.0 s (the alert from before) − 5.0 s
    expect(formatTable([row])).toMatch(/\| SIGKILL sensor \|\s+3 \|\s+0 \|\s+3 \|\s+0 \|\s+0 \|\s+0 \|\s+3\.0 \|/);
  });
});
