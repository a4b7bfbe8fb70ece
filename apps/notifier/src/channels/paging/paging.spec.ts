import { ConfigError, parseTeams } from '@hub/config';
import { CallRecorder } from '@hub/recorder';
import { notification } from '../../__tests__/notification.fixture.js';
import { loadNotifierConfig } from '../../notifier.config.js';
import { ReceiptStore } from '../../receipts/receipt.store.js';
import { Templates } from '../../templates/templates.js';
import { type ChannelContext } from '../channel.js';
import { buildChannels } from '../registry.js';
import { VendorHttpPools } from '../vendor-http.js';
import { destinationPages, mayActOnPage, pageActionOf } from './paging.js';

describe(pageActionOf.name, () => {
  const escalated = notification({ state: 'escalated', mention: true, severity: 'critical' });

  it('triggers on an escalation where the destination pages and nothing is open yet', () => {
    expect(pageActionOf(escalated, false, true)).toBe('trigger');
    expect(pageActionOf(escalated, true, true)).toBeUndefined(); // a repeat, a later step on the same key
    expect(pageActionOf(escalated, false, false)).toBeUndefined();
  });

  it('leaves the diagnostics note, other states and one-off messages alone', () => {
    expect(pageActionOf({ ...escalated, mention: false, severity: 'info' }, false, true)).toBeUndefined();
    expect(pageActionOf(notification({ state: 'firing' }), false, true)).toBeUndefined();
    expect(pageActionOf({ ...escalated, kind: 'message' }, false, true)).toBeUndefined();
  });

  it('acknowledges on a decision and resolves on recovery, only what it paged', () => {
    const acked = notification({ state: 'escalated', severity: 'info', decision: 'acknowledge' });
    expect(pageActionOf(acked, true, true)).toBe('acknowledge');
    expect(pageActionOf(acked, false, true)).toBeUndefined();
    expect(pageActionOf(notification({ state: 'resolved' }), true, false)).toBe('resolve');
    expect(pageActionOf(notification({ state: 'resolved' }), false, true)).toBeUndefined();
  });

  it('asks the receipts only for updates that can act on a page', () => {
    expect(mayActOnPage(escalated)).toBe(true);
    expect(mayActOnPage(notification({ state: 'resolved' }))).toBe(true);
    expect(mayActOnPage(notification({ state: 'remediated', decision: 'silence' }))).toBe(true);
    expect(mayActOnPage(notification({ state: 'remediating' }))).toBe(false);
    expect(mayActOnPage({ ...escalated, kind: 'message' })).toBe(false);
  });

  it('pages a team by default only when the channel says so; a paging list decides otherwise', () => {
    expect(destinationPages({ name: 'team:a', team: 'a' }, 'pagerduty', true)).toBe(true);
    expect(destinationPages({ name: 'team:a', team: 'a' }, 'pagerduty', false)).toBe(false);
    expect(destinationPages({ name: 'oncall' }, 'pagerduty', true)).toBe(false);
    expect(destinationPages({ name: 'team:a', team: 'a', paging: [] }, 'pagerduty', true)).toBe(false);
    expect(destinationPages({ name: 'pager', paging: ['opsgenie'] }, 'opsgenie', false)).toBe(true);
  });
});

describe(buildChannels.name, () => {
  const teams = parseTeams(
    `defaultTeam: a
teams:
  a: { pagerduty: { routingKeyEnv: PD_KEY_A }, webhook: { urlEnv: HOOK_A } }
`,
    'teams.yaml',
  );
  const context = (env: Record<string, string>): ChannelContext => {
    const pools = new VendorHttpPools();
    return {
      db: undefined as never,
      receipts: new ReceiptStore(),
      templates: new Templates(),
      teams,
      env,
      outbox: (name) => new CallRecorder('/tmp/hub-unused', name),
      http: (vendor) => pools.of(vendor),
      retryDelaysMs: [1000],
      replyHoldMs: 0,
      lockWaitMs: 1000,
    };
  };

  it('lists every bad paging setting in one error: names, team keys and URLs, a missing secret', () => {
    const env = { PD_KEY_A: 'short', HOOK_A: 'ftp://x' };
    const build = () =>
      buildChannels(
        loadNotifierConfig({ DATABASE_URL: 'postgres://x/y', AMQP_URL: 'amqp://x', ...env }),
        context(env),
        [{ where: 'teams.yaml teams.a.paging', paging: ['pagerduty', 'pagerdooty'] }],
      );
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(
      /teams\.a\.paging: "pagerdooty" is not a paging channel[\s\S]*PD_KEY_A: must be a PagerDuty[\s\S]*HOOK_A: must be an http\(s\) URL/,
    );
  });

  it('wires every channel of the registry, unconfigured ones to the outbox', () => {
    const channels = buildChannels(
      loadNotifierConfig({ DATABASE_URL: 'postgres://x/y', AMQP_URL: 'amqp://x' }),
      context({}),
    );
    expect(channels.map((c) => [c.name, c.mode])).toEqual([
      ['slack', 'outbox'],
      ['teams', 'outbox'],
      ['email', 'outbox'],
      ['pagerduty', 'outbox'],
      ['opsgenie', 'outbox'],
      ['webhook', 'outbox'],
    ]);
  });
});
