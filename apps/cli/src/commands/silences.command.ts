import { InvalidArgumentError } from 'commander';
import { type CommandGroup } from '../command.js';
import { gateway } from '../gateway.client.js';
import { who } from '../options.js';

/** A silence as `GET /v1/silences` shows it (the parts the command prints). */
interface SilenceView {
  id: string;
  state: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  expr?: string;
  incidentKey?: string;
  startsAt: string;
  endsAt?: string;
  recurrence?: { cron: string; durationMs: number; timezone: string };
  createdBy: string;
  comment: string;
  suppressed: number;
}

const MATCHER = /^([A-Za-z_][A-Za-z0-9_]*)(=~|!~|!=|=)(.*)$/;

/** `--match name=value` (also `!=`, `=~`, `!~`, as amtool writes them) → the API's matcher. */
function matcher(value: string, previous: unknown[] = []): unknown[] {
  const found = MATCHER.exec(value);
  if (!found) throw new InvalidArgumentError('not a matcher like team=payments, name!=x, name=~"api-.*"');
  const [, name, op, raw] = found as unknown as [string, string, string, string];
  const unquoted = raw.replace(/^"(.*)"$/, '$1');
  return [...previous, { name, value: unquoted, isRegex: op.includes('~'), isEqual: !op.startsWith('!') }];
}

function describe(s: SilenceView): string {
  const what = [
    ...s.matchers.map((m) => `${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}${m.value}`),
    ...(s.expr ? [`expr ${s.expr}`] : []),
    ...(s.incidentKey ? [`incident ${s.incidentKey}`] : []),
  ].join(', ');
  const when = s.recurrence
    ? `${s.recurrence.cron} for ${s.recurrence.durationMs / 60_000}m (${s.recurrence.timezone})`
    : `${s.startsAt} → ${s.endsAt ?? 'until resolved'}`;
  return `${s.id}  ${s.state.padEnd(8)} ${what}  ${when}  by ${s.createdBy}  suppressed ${s.suppressed}${s.comment ? `  "${s.comment}"` : ''}`;
}

/** `hub silences add|list|expire`: silences and maintenance windows, through the gateway (`/v1/silences`). */
export const silencesCommand: CommandGroup = {
  name: 'silences',
  summary: 'add, list or expire silences and maintenance windows',
  define(group, { io, action }) {
    group.addHelpText(
      'after',
      '\nAsks the gateway ($HUB_GATEWAY_URL) with $HUB_TOKEN. Examples:\n' +
        '  hub silences add --match team=payments --for 2h --comment "db migration"\n' +
        '  hub silences add --match name=orders-api --cron "0 2 * * sun" --window 3h --timezone Europe/Berlin\n' +
        '  hub silences add --expr \'data.labels.severity == "info"\' --for 1d',
    );
    action(
      group
        .command('add')
        .description('silence what matches, for a while or in a recurring window')
        .option('--match <matcher>', 'a label matcher (repeatable): name=value, !=, =~, !~', matcher)
        .option('--expr <cel>', 'a CEL expression over the event (event, data)')
        .option('--incident <key>', 'one incident key')
        .option('--for <duration>', 'from now (or --starts) for this long: 30m, 2h, 1d')
        .option('--starts <time>', 'an RFC 3339 start (default now)')
        .option('--ends <time>', 'an RFC 3339 end')
        .option('--cron <expression>', 'a recurring window starting at each slot (with --window)')
        .option('--window <duration>', 'how long each recurring window lasts')
        .option('--timezone <zone>', 'the time zone of --cron (default UTC)')
        .option('--by <user>', 'who silences (default $HUB_USER or $USER)')
        .option('--comment <text>', 'why'),
      async (o: {
        match?: unknown[];
        expr?: string;
        incident?: string;
        for?: string;
        starts?: string;
        ends?: string;
        cron?: string;
        window?: string;
        timezone?: string;
        by?: string;
        comment?: string;
      }) => {
        const body = {
          matchers: o.match ?? [],
          ...(o.expr ? { expr: o.expr } : {}),
          ...(o.incident ? { incidentKey: o.incident } : {}),
          ...(o.starts ? { startsAt: o.starts } : {}),
          ...(o.ends ? { endsAt: o.ends } : {}),
          ...(o.for ? { duration: o.for } : {}),
          ...(o.cron || o.window
            ? { recurrence: { cron: o.cron, duration: o.window, ...(o.timezone ? { timezone: o.timezone } : {}) } }
            : {}),
          createdBy: who(io, o.by),
          ...(o.comment ? { comment: o.comment } : {}),
        };
        io.out(describe(await gateway<SilenceView>(io, '/v1/silences', { method: 'POST', body })));
        return 0;
      },
    );
    action(
      group.command('list').description('silences not expired, newest first').option('--all', 'expired ones too'),
      async (o: { all?: boolean }) => {
        const { silences } = await gateway<{ silences: SilenceView[] }>(io, `/v1/silences${o.all ? '?all=true' : ''}`);
        for (const s of silences) io.out(describe(s));
        io.err(`${silences.length} silence(s)`);
        return 0;
      },
    );
    action(
      group.command('expire').description('end a silence now (nothing silenced is replayed)').argument('<id>'),
      async (id: string) => {
        io.out(
          describe(await gateway<SilenceView>(io, `/v1/silences/${encodeURIComponent(id)}`, { method: 'DELETE' })),
        );
        return 0;
      },
    );
  },
};
