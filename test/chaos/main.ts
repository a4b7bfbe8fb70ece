// The fault suite (npm run chaos [-- --short] [--outage=proxy|real] [--only=<text>] [--rate=<alerts/s>] [--keep-logs]):
// the hub's services as processes under a steady load of distinct alerts, each scenario in turn,
// then a table of the figures counted from the vendor fakes. Exit 1 when an accepted alert was lost
// or a side effect happened twice (or the hub did not come up).
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ChaosHub, type OutageMode, SERVICES } from './hub.js';
import { type AlertRecord, duplicatesOf, type Figures, figuresOf, type Window } from './ledger.js';
import { AlertLoad } from './load.js';
import { Observer } from './observer.js';
import { type ChaosContext, type Scenario } from './scenario.js';
import { killService } from './scenarios/kill-service.js';
import { postgresRestart } from './scenarios/postgres-restart.js';
import { rabbitmqConnectionsClosed } from './scenarios/rabbitmq-connections-closed.js';
import { rabbitmqRestart } from './scenarios/rabbitmq-restart.js';
import { vendorFault } from './scenarios/vendor-fault.js';
import { formatTable } from './table.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const short = args.includes('--short');
const outage = (option('outage') ?? 'proxy') as OutageMode;
if (outage !== 'proxy' && outage !== 'real') {
  console.error(`chaos: --outage must be proxy or real (got "${String(outage)}")`);
  process.exit(2);
}
const rate = Number(option('rate') ?? 5);
const only = option('only');

/**
 * Timings (ms): steady load before each fault, the faults' lengths, the least load after one, how
 * long the next fault waits for the flow to be whole again, and the final wait for the last alerts.
 * The short form moves on sooner (faults may then overlap a backlog); every figure is computed at
 * the end from everything the fakes recorded, so recovery times stay true in both.
 */
const timing = short
  ? { before: 2_000, kill: 1_000, outage: 5_000, vendor: 6_000, after: 3_000, settle: 15_000, drain: 90_000 }
  : { before: 5_000, kill: 3_000, outage: 15_000, vendor: 20_000, after: 10_000, settle: 150_000, drain: 180_000 };

const scenarios: Scenario[] = [
  ...SERVICES.map((service) => killService(service, timing.kill)),
  rabbitmqConnectionsClosed(),
  rabbitmqRestart(outage, timing.outage),
  postgresRestart(outage, timing.outage),
  vendorFault('5xx', timing.vendor),
  vendorFault('429', timing.vendor),
  vendorFault('hang', timing.vendor),
].filter((s) => !only || s.name.toLowerCase().includes(only.toLowerCase()));

const started = Date.now();
const log = (message: string) => console.log(`chaos [${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
const hub = new ChaosHub(ROOT, outage);
const accepted: AlertRecord[] = [];
const refusedAt: number[] = [];
const refusals = new Map<string, number>();
let failed = true;

const interrupted = () => {
  log('interrupted; stopping the hub');
  void hub.stop(true).finally(() => process.exit(130));
};
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);

try {
  log(`${short ? 'short' : 'full'} run, outage mode ${outage}, ${rate} alerts/s, ${scenarios.length} scenarios`);
  await hub.start();
  log(`hub up: ${SERVICES.length} services on vhost ${hub.vhost}, schema ${hub.schema} (logs in ${hub.dir}/logs)`);
  const pattern = AlertLoad.appPattern(hub.run);
  const observer = new Observer(hub.fakes, (text) => pattern.exec(text)?.[0]);
  const load = new AlertLoad({
    gatewayUrl: hub.gatewayUrl,
    argocd: hub.fakes.argocd,
    run: hub.run,
    ratePerSecond: rate,
    failingEvery: 10,
    onAccepted: (record) => {
      accepted.push(record);
      observer.expect(record.app);
    },
    onRefused: (at, reason) => {
      refusedAt.push(at);
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    },
  });
  observer.start();
  load.start();
  const context: ChaosContext = { hub, log };
  const windows: Window[] = [];
  let from = Date.now();
  await sleep(timing.before * 2);
  windows.push({ scenario: 'steady load (no fault)', from, to: Date.now() });

  for (const scenario of scenarios) {
    from = Date.now();
    await sleep(timing.before);
    log(`${scenario.name}: ${scenario.description}`);
    await scenario.inject(context);
    await sleep(scenario.holdMs);
    await scenario.heal(context);
    const healedAt = Date.now();
    log(`${scenario.name}: healed`);
    await sleep(timing.after);
    // The window closes once the flow is whole again (or the wait is over): the next fault starts then.
    const deadline = healedAt + timing.settle;
    let window: Window = { scenario: scenario.name, from, to: Date.now(), healedAt };
    while (
      Date.now() < deadline &&
      figuresOf(window, accepted, refusedAt, (a) => observer.of(a)).recoverySeconds === undefined
    ) {
      await sleep(500);
      window = { ...window, to: Date.now() };
    }
    windows.push(window);
    const row = figuresOf(window, accepted, refusedAt, (a) => observer.of(a));
    log(
      row.recoverySeconds === undefined
        ? `${scenario.name}: not recovered within ${timing.settle / 1000} s; going on`
        : `${scenario.name}: recovered in ${row.recoverySeconds.toFixed(1)} s`,
    );
  }

  await load.stop();
  log(`load stopped (${load.sent} sent, ${accepted.length} accepted); waiting for the last alerts`);
  const drainUntil = Date.now() + timing.drain;
  while (observer.pendingCount > 0 && Date.now() < drainUntil) await sleep(500);
  // Late duplicates would show a little after the last completion: give them a moment.
  await sleep(3_000);
  observer.stop();

  const rows: Figures[] = windows.map((w, i) =>
    figuresOf({ ...w, to: windows[i + 1]?.from ?? Infinity }, accepted, refusedAt, (a) => observer.of(a)),
  );
  console.log(`\nFault suite, ${new Date().toISOString()}, outage mode ${outage}${short ? ', short' : ''}\n`);
  console.log(formatTable(rows));
  if (refusals.size > 0) {
    console.log(`\nrefused (never accepted, not retried): ${[...refusals].map(([r, n]) => `${n} × ${r}`).join(', ')}`);
  }
  const twice = accepted.filter((r) => duplicatesOf(observer.of(r.app)) > 0);
  for (const { app, sentAt } of twice.slice(0, 20)) {
    const { syncs, roots, pages, tickets } = observer.of(app);
    const scenario = windows.findLast((w) => w.from <= sentAt)?.scenario;
    console.log(
      `duplicated: ${app} (sent in "${scenario}"): ${syncs} syncs, ${roots} roots, ${pages} pages, ${tickets} tickets`,
    );
  }
  const bad = rows.filter((r) => r.lost > 0 || r.duplicates > 0);
  failed = bad.length > 0;
  console.log(
    failed
      ? `\nFAILED: ${bad.map((r) => `${r.scenario} (lost ${r.lost}, duplicates ${r.duplicates})`).join('; ')}; logs in ${hub.dir}/logs`
      : `\nOK: 0 lost, 0 duplicates in every scenario (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
} catch (error) {
  console.error(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await hub.stop(failed || args.includes('--keep-logs'));
}
process.exit(failed ? 1 : 0);
