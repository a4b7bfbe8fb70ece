import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type INestApplication } from '@nestjs/common';
import { createDatabase, migrateToLatest } from '@hub/database';
import { amqpUrl, createTestSchema, type TestSchema, uniqueName, waitFor } from '@hub/testing';
import { createNotifierApp, loadNotifierConfig } from '../apps/notifier/src/index.js';
import { createRemediationExecutorApp, loadRemediationExecutorConfig } from '../apps/remediation-executor/src/index.js';
import { createSensorApp, loadSensorConfig } from '../apps/sensor/src/index.js';
import { createTicketingApp, loadTicketingConfig } from '../apps/ticketing/src/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms);

/**
 * Each service's retention sweeper, wired as the service runs it: old rows of every table it owns
 * go, recent ones and live ones (open incidents, running actions, open tickets) stay.
 */
describe('retention: one sweeper per service deletes old rows and keeps recent and live ones', () => {
  let schema: TestSchema;
  let dataDir: string;
  const apps: INestApplication[] = [];
  const sensorQueue = uniqueName('sensor');

  const query = async (text: string) => (await schema.pool.query<Record<string, unknown>>(text)).rows;
  const ids = async (table: string, column: string) =>
    (await query(`SELECT ${column} AS id FROM ${table} ORDER BY 1`)).map((r) => String(r.id));

  beforeAll(async () => {
    schema = await createTestSchema();
    dataDir = await mkdtemp(join(tmpdir(), 'hub-retention-'));
    const { db } = createDatabase(schema.url, 1);
    await migrateToLatest(db);
    await db.destroy();
    const insert = (text: string, values: unknown[]) => schema.pool.query(text, values);

    for (const [consumer, event, at] of [
      [sensorQueue, 'old', ago(8 * DAY)],
      [sensorQueue, 'recent', ago(DAY)],
      ['notifier:slack-message:bot:#ops', 'old', ago(8 * DAY)],
      ['notifier:slack-reply:k', 'recent', ago(DAY)],
      ['ticketing', 'old', ago(8 * DAY)],
      ['ticketing', 'recent', ago(DAY)],
      ['someone-else', 'old', ago(8 * DAY)],
    ] as const) {
      await insert('INSERT INTO hub_processed_events (consumer, event_id, processed_at) VALUES ($1, $2, $3)', [
        consumer,
        `${consumer}/${event}`,
        at,
      ]);
    }

    const incident = async (title: string, openedAt: Date, resolvedAt: Date | null) => {
      const id = randomUUID();
      await insert(
        `INSERT INTO incidents (id, key, sensor, status, title, opened_at, updated_at, resolved_at)
         VALUES ($1, $2, 's', $3, $4, $5, $5, $6)`,
        [id, `key-${title}`, resolvedAt ? 'resolved' : 'firing', title, openedAt, resolvedAt],
      );
      await insert(`INSERT INTO incident_history (incident_id, at, status) VALUES ($1, $2, 'firing')`, [id, openedAt]);
    };
    await incident('old-resolved', ago(100 * DAY), ago(91 * DAY));
    await incident('recent-resolved', ago(100 * DAY), ago(10 * DAY));
    await incident('old-open', ago(200 * DAY), null);

    for (const [name, at] of [
      ['old', ago(3 * DAY)],
      ['recent', ago(3_600_000)],
    ] as const) {
      await insert(`INSERT INTO sensor_window_events (sensor, key, event_id, at) VALUES ('s', 'k', $1, $2)`, [
        name,
        at,
      ]);
    }

    const run = (id: string, finished: Date | null, published: Date | null) =>
      insert(
        `INSERT INTO action_runs (action_id, kind, target, status, started_at, finished_at, result_published_at)
         VALUES ($1, 'argocd.sync', 'app', $2, $3, $3, $4)`,
        [id, finished ? 'succeeded' : 'running', finished ?? ago(40 * DAY), published],
      );
    await run('old-done', ago(31 * DAY), ago(31 * DAY));
    await run('old-unpublished', ago(31 * DAY), null);
    await run('old-running', null, null);
    await run('recent-done', ago(DAY), ago(DAY));
    for (const [id, finished] of [
      ['req-old-done', ago(31 * DAY)],
      ['req-old-open', null],
      ['req-recent-done', ago(DAY)],
    ] as const) {
      await insert(
        `INSERT INTO provisioning_requests (id, source, app_name, owner_team, repository_url, status, event, created_at,
           finished_at) VALUES ($1, 'backstage', $1, 'payments', 'https://github.com/acme/x', $2, '{}', $3, $4)`,
        [id, finished ? 'succeeded' : 'running', ago(40 * DAY), finished],
      );
    }

    for (const [name, at] of [
      ['old', ago(31 * DAY)],
      ['recent', ago(DAY)],
    ] as const) {
      await insert(
        `INSERT INTO notification_receipts (event_id, incident_key, incident_id, kind, destination, channel, mode,
           operation, target, sent_at) VALUES ($1, 'k', 'i', 'incident', 'ops', 'slack', 'live', 'root', '#ops', $2)`,
        [name, at],
      );
      await insert(
        `INSERT INTO notification_threads (incident_key, channel, conversation, thread_ts, updated_at)
         VALUES ($1, 'slack', 'C1', '1.1', $2)`,
        [name, at],
      );
    }

    const ticket = (fingerprint: string, status: string, updatedAt: Date) =>
      insert(
        `INSERT INTO tickets (provider, fingerprint, status, team, incident_key, created_at, updated_at)
         VALUES ('outbox', $1, $2, 'payments', 'k', $3, $3)`,
        [fingerprint, status, updatedAt],
      );
    await ticket('old-resolved', 'resolved', ago(181 * DAY));
    await ticket('old-wontfix', 'wontfix', ago(181 * DAY));
    await ticket('old-open', 'open', ago(400 * DAY));
    await ticket('recent-resolved', 'resolved', ago(10 * DAY));

    const env = {
      AMQP_URL: amqpUrl(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: uniqueName('retention'),
      HUB_CONFIG_DIR: join(ROOT, 'config'),
      HUB_DATA_DIR: dataDir,
      HUB_RETENTION_SWEEP: '500ms',
      LOG_LEVEL: 'silent',
    };
    const built = [
      (await createSensorApp(loadSensorConfig(env), { logger: false, queue: sensorQueue })).app,
      (
        await createRemediationExecutorApp(loadRemediationExecutorConfig(env), {
          logger: false,
          queue: uniqueName('executor'),
        })
      ).app,
      (await createNotifierApp(loadNotifierConfig(env), { logger: false, queue: uniqueName('notifier'), env })).app,
      (await createTicketingApp(loadTicketingConfig(env), { logger: false, queue: uniqueName('ticketing') })).app,
    ];
    for (const app of built) {
      apps.push(app);
      await app.init();
    }
    await waitFor(
      'every sweeper to have run',
      async () =>
        (await ids('tickets', 'fingerprint')).length === 2 &&
        (await ids('notification_threads', 'incident_key')).length === 1 &&
        (await ids('action_runs', 'action_id')).length === 3 &&
        (await ids('provisioning_requests', 'id')).length === 2 &&
        (await ids('incidents', 'title')).length === 2,
      { timeoutMs: 20_000, intervalMs: 250 },
    );
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await schema?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('processed markers: each service forgets its own after HUB_PROCESSED_RETENTION (7d), and only its own', async () => {
    await waitFor('the old markers gone', async () => (await ids('hub_processed_events', 'event_id')).length === 4);
    expect(await ids('hub_processed_events', 'event_id')).toEqual(
      [`${sensorQueue}/recent`, 'notifier:slack-reply:k/recent', 'someone-else/old', 'ticketing/recent'].sort(),
    );
  });

  it('sensor: resolved incidents after SENSOR_INCIDENT_RETENTION (90d) with their history; open ones stay', async () => {
    expect(await ids('incidents', 'title')).toEqual(['old-open', 'recent-resolved']);
    expect(await query('SELECT count(*)::int AS n FROM incident_history')).toEqual([{ n: 2 }]);
  });

  it('sensor: aggregate-window rows after twice the longest window (at least a day)', async () => {
    await waitFor('the old window row gone', async () => (await ids('sensor_window_events', 'event_id')).length === 1);
    expect(await ids('sensor_window_events', 'event_id')).toEqual(['recent']);
  });

  it('executor: finished, published runs after EXECUTOR_RUN_RETENTION (30d); running or unpublished stay', async () => {
    expect(await ids('action_runs', 'action_id')).toEqual(['old-running', 'old-unpublished', 'recent-done']);
    expect(await ids('provisioning_requests', 'id')).toEqual(['req-old-open', 'req-recent-done']);
  });

  it('notifier: receipts and threads idle longer than NOTIFIER_RETENTION (30d)', async () => {
    await waitFor('the old receipt gone', async () => (await ids('notification_receipts', 'event_id')).length === 1);
    expect(await ids('notification_receipts', 'event_id')).toEqual(['recent']);
    expect(await ids('notification_threads', 'incident_key')).toEqual(['recent']);
  });

  it('ticketing: done tickets after TICKETING_RETENTION (180d); open ones stay', async () => {
    expect(await ids('tickets', 'fingerprint')).toEqual(['old-open', 'recent-resolved']);
  });
});
