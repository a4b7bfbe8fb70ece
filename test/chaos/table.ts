import { type Figures } from './ledger.js';

/** The figures as a Markdown table (printed by the run, pasted into docs/reliability.md). */
export function formatTable(rows: readonly Figures[]): string {
  const header = ['scenario', 'accepted', 'refused', 'completed', 'escalated', 'lost', 'duplicates', 'recovery s'];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.accepted),
    String(r.refused),
    String(r.completed),
    String(r.escalated),
    String(r.lost),
    String(r.duplicates),
    r.recoverySeconds === undefined
      ? r.scenario.startsWith('steady')
        ? '–'
        : 'not recovered'
      : r.recoverySeconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}
