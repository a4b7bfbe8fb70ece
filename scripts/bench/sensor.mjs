// Sensor engine bench: (1) matching + planning throughput with 1, 100 and 1,000 loaded sensors
// (the registry's per-event work, in process); (2) the cost per event of the windowed aggregation
// in PostgreSQL (count within a sliding window, under the key's lock) against the bare
// transaction every event pays anyway (runOnce marker). Figures only, no assertions.
import { randomUUID } from 'node:crypto';
import { createEvent } from '../../libs/contracts/dist/index.js';
import { createDatabase, migrateToLatest, runOnce } from '../../libs/database/dist/index.js';
import { createTestSchema } from '../../libs/testing/dist/index.js';
import { NoiseRepository, parseSensorFile, SensorRegistry } from '../../apps/sensor/dist/index.js';

/** `count` sensors on alert.firing, each on its own `slo` label, with an `in`, a regex and a CEL filter. */
function sensors(count) {
  const documents = Array.from(
    { length: count },
    (_, i) => `apiVersion: hub/v1
kind: Sensor
metadata: { name: bench-${i} }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters:
        - { path: data.labels.slo, op: eq, value: slo-${i} }
        - { path: data.labels.env, op: in, value: [prod, staging] }
        - { path: data.labels.name, op: regex, value: 'app-.*' }
        - { expr: 'data.labels.severity != "info"' }
  incident:
    key: '{{ data.fingerprint }}'
    title: '{{ data.labels.alertname }} {{ data.labels.name }}'
  triggers:
    - name: sync
      action: { kind: argocd.sync, target: '{{ data.labels.name }}', params: { name: '{{ data.labels.name }}' } }
`,
  );
  const { sensors: loaded, problems } = parseSensorFile('bench.yaml', documents.join('---\n'));
  if (problems.length > 0) throw new Error(JSON.stringify(problems.slice(0, 3)));
  return new SensorRegistry(loaded);
}

function alert(i, sensorCount) {
  return createEvent({
    type: 'alert.firing',
    source: '/bench',
    data: {
      fingerprint: `fp-${i}`,
      labels: { alertname: 'A', slo: `slo-${i % sensorCount}`, env: 'prod', name: `app-${i}`, severity: 'warning' },
    },
  });
}

export async function benchSensor({ events = 20_000, dbEvents = 2_000 } = {}) {
  const matching = [];
  for (const count of [1, 100, 1_000]) {
    const registry = sensors(count);
    const batch = Array.from({ length: events }, (_, i) => alert(i, count));
    for (const event of batch.slice(0, 500)) registry.match(event); // warm-up
    let triggered = 0;
    const started = process.hrtime.bigint();
    for (const event of batch) triggered += registry.match(event).steps.length;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    matching.push({
      'loaded sensors': count,
      events,
      'events/s': Math.round(events / seconds),
      'µs/event': Number(((seconds / events) * 1e6).toFixed(1)),
      triggered,
    });
  }

  const schema = await createTestSchema();
  const { db } = createDatabase(schema.url);
  const aggregation = [];
  try {
    await migrateToLatest(db);
    const measure = async (label, work) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < dbEvents; i++) await work(i);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      aggregation.push({ per: label, events: dbEvents, 'ms/event': Number(((seconds / dbEvents) * 1e3).toFixed(3)) });
    };
    await measure('bare transaction (runOnce marker)', (i) => runOnce(db, 'bench', `bare-${i}`, async () => {}));
    await measure('+ count within a 5m window (20 keys)', (i) =>
      runOnce(db, 'bench', `agg-${i}`, async (trx) => {
        await new NoiseRepository(trx).countInWindow('bench', `key-${i % 20}`, randomUUID(), new Date(), 300_000);
      }),
    );
  } finally {
    await db.destroy();
    await schema.drop();
  }
  const [bare, windowed] = aggregation;
  return { matching, aggregation, windowCostMs: Number((windowed['ms/event'] - bare['ms/event']).toFixed(3)) };
}
