#!/usr/bin/env node
// npm run bench [-- gateway|flow|siem|sensor|ordering]: measures the hub side by side with raw amqplib baselines in one
// run on this machine and prints the figures (no assertions: see docs/benchmarks.md).
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchFlow } from './bench/flow.mjs';
import { benchGateway } from './bench/gateway.mjs';
import { goalRows } from './bench/goals.mjs';
import { benchOrdering } from './bench/ordering.mjs';
import { benchSiem } from './bench/siem.mjs';
import { benchSensor } from './bench/sensor.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const suites = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const run = (suite) => suites.length === 0 || suites.includes(suite);

if (
  spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b'], { cwd: root, stdio: 'inherit' }).status
) {
  process.exit(1);
}
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);

const results = {};

if (run('gateway')) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
  console.log('\nGateway suite: the hub with tracing on, with tracing off, then raw fastify+amqplib …');
  results.gateway = await benchGateway({ root, amqpUrl, seconds, connections });
  const { rows, fixedRate } = results.gateway;
  console.log(
    `\nGateway — ${seconds} s per run after a warm-up, ${connections} connections (then ${fixedRate} req/s), 1 alert per request`,
  );
  console.table(rows);
  console.log(`gateway ratio: ${(rows[0]['accepted/s'] / rows[2]['accepted/s']).toFixed(2)}`);
  // Throughput ratios read the machine as much as the code when other work shares the cores; CPU
  // per request does not.
  console.log(
    `gateway CPU ratio (raw CPU/req ÷ hub CPU/req): ${(rows[2]['CPU ms/req'] / rows[0]['CPU ms/req']).toFixed(2)}`,
  );
}

if (run('flow')) {
  console.log('\nWhole-path suite: the hub, then the raw 4-hop relay (a progress line every 3 s) …');
  results.flow = await benchFlow({ root, amqpUrl });
  const { rows, rss, servers, storm, slack } = results.flow;
  console.log(
    '\nWhole path — webhook → sensor → executor (Argo CD fake) → sensor → notifier (Slack fake), vs raw 4-hop relay',
  );
  console.log(
    'latency: from sending the webhook to Slack\'s "Remediation succeeded" call (raw: to the 4th hop\'s consume)',
  );
  console.table(rows);
  console.log("Hub services after the runs (CPU s: time used over all runs; handling: from each service's /metrics):");
  console.table(rss);
  if (Object.keys(servers).length > 0) {
    console.log('The servers over the same cases (each whole server: whatever else used it meanwhile counts too):');
    console.table(servers);
  }
  console.log(`Slack calls per incident (cases): ${JSON.stringify(slack)}`);
  const max = (path) => rows.find((r) => r.path === path && r.load.startsWith('max'))?.['completed/s'] ?? NaN;
  console.log(`ratio: ${(max('hub') / max('raw 4-hop relay')).toFixed(2)}`);
  if (storm) {
    console.log('Repeat storm — open incidents, then repeats of their alerts (another receiver each) by 50 clients');
    console.table([storm]);
  }
}

if (run('siem')) {
  const { rows, outage } = await benchSiem({ root, amqpUrl });
  console.log(
    '\nSIEM forwarder → loopback Splunk HEC, draining a pre-filled queue, vs raw amqplib consume → gzip → HTTP',
  );
  console.table(rows);
  console.log(`siem ratio: ${(rows[0]['events/s'] / rows[1]['events/s']).toFixed(2)}`);
  console.log('HEC down (503) with events flowing, then back: forwarder RSS and the backlog in RabbitMQ');
  console.table(outage);
}

if (run('sensor')) {
  const { matching, aggregation, windowCostMs } = await benchSensor();
  console.log('\nSensor engine — matching and planning per event (in process), by number of loaded sensors');
  console.table(matching);
  console.log('Windowed aggregation in PostgreSQL, per event, one at a time');
  console.table(aggregation);
  console.log(`aggregation cost: ${windowCostMs} ms per event over the bare transaction`);
}

if (run('ordering')) {
  const { rows, handlerMs } = await benchOrdering({ amqpUrl });
  console.log(
    `\nOrdering per key — one partitioned consumer (prefetch 64, a ${handlerMs} ms handler) vs the plain queue, by partitions and keys`,
  );
  console.table(rows);
}

if (run('gateway') || run('flow')) {
  console.log('\nIssue 15 goals — this run:');
  console.table(goalRows(results));
}
