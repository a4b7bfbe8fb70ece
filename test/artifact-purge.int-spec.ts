import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { type HubRmqServer } from '@hub/messaging';
import { amqpUrl, createTestSchema, FakeGitHub, type TestSchema, uniqueName, waitFor } from '@hub/testing';
import { createRemediationExecutorApp, loadRemediationExecutorConfig } from '../apps/remediation-executor/src/index.js';
import { createSchedulerApp, loadSchedulerConfig, type SchedulerApp } from '../apps/scheduler/src/index.js';
import { createSensorApp, loadSensorConfig } from '../apps/sensor/src/index.js';

const CONFIG_DIR = new URL('../config', import.meta.url).pathname;
const DAY = 86_400_000;

/** The scheduler's clock, moved by the test: Sunday 2026-05-03, 03:59 Berlin time. */
const clock = { current: new Date('2026-05-03T01:59:00Z'), now: () => new Date(clock.current) };

/**
 * The seed's "build artifacts older than 90 days are purged" end to end: the shipped schedule
 * `artifact-purge` fires on Sunday 04:00 Berlin time → the shipped sensor asks for
 * `github.artifacts.purge` over its configured repositories → the executor deletes the old
 * artifacts on the GitHub fake and lists each deletion in the run's result.
 */
describe('scheduled purge of build artifacts older than 90 days (shipped schedule + sensor)', () => {
  let schema: TestSchema;
  let dataDir: string;
  let github: FakeGitHub;
  let scheduler: SchedulerApp;
  const consumers: { app: INestApplication; server: HubRmqServer }[] = [];

  beforeAll(async () => {
    schema = await createTestSchema();
    dataDir = await mkdtemp(join(tmpdir(), 'hub-artifacts-'));
    github = await new FakeGitHub().start();
    github.addRepo('acme/payments-api').addRepo('acme/ledger').addRepo('acme/unlisted');
    const now = Date.now();
    github.addArtifact('acme/payments-api', { name: 'build-2026-01', createdAt: new Date(now - 120 * DAY) });
    github.addArtifact('acme/payments-api', { name: 'build-fresh', createdAt: new Date(now - 3 * DAY) });
    github.addArtifact('acme/ledger', { name: 'coverage-old', createdAt: new Date(now - 95 * DAY) });
    github.addArtifact('acme/unlisted', { name: 'ancient', createdAt: new Date(now - 400 * DAY) });
    const env = {
      AMQP_URL: amqpUrl(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: uniqueName('artifacts'),
      HUB_CONFIG_DIR: CONFIG_DIR,
      HUB_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: github.token,
      SCHEDULER_TICK_MS: '100',
    };
    consumers.push(await createSensorApp(loadSensorConfig(env), { logger: false, queue: uniqueName('sensor') }));
    consumers.push(
      await createRemediationExecutorApp(loadRemediationExecutorConfig(env), {
        logger: false,
        queue: uniqueName('exec'),
      }),
    );
    for (const { app, server } of consumers) {
      await app.init();
      await app.startAllMicroservices();
      await server.waitUntilReady(20_000);
    }
    scheduler = await createSchedulerApp(loadSchedulerConfig(env), { logger: false, clock });
    await scheduler.app.init();
    await scheduler.publisher.waitUntilReady();
    await scheduler.service.pass(); // first seen at 03:59: nothing owed yet
  }, 60_000);

  afterAll(async () => {
    await scheduler?.app.close();
    for (const { app } of consumers.reverse()) await app.close();
    await github?.stop();
    await schema?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('Sunday 04:00 Berlin: the old artifacts of the configured repositories are deleted, each in the result', async () => {
    expect(github.artifacts('acme/payments-api')).toHaveLength(2);
    clock.current = new Date('2026-05-03T02:00:01Z'); // 04:00:01 CEST
    const { details } = await waitFor(
      'the purge run',
      async () => {
        const { rows } = await schema.pool.query<{ status: string; details: Record<string, unknown> }>(
          `SELECT status, details FROM action_runs WHERE kind = 'github.artifacts.purge' AND status = 'succeeded'`,
        );
        return rows[0];
      },
      { timeoutMs: 20_000 },
    );
    expect(details).toMatchObject({
      repositories: ['acme/payments-api', 'acme/ledger'],
      maxAgeDays: 90,
      deleted: [
        { repository: 'acme/payments-api', name: 'build-2026-01', ageDays: 120 },
        { repository: 'acme/ledger', name: 'coverage-old', ageDays: 95 },
      ],
    });
    expect(github.artifacts('acme/payments-api').map((a) => a.name)).toEqual(['build-fresh']);
    expect(github.artifacts('acme/ledger')).toHaveLength(0);
    expect(github.artifacts('acme/unlisted')).toHaveLength(1);
  });
});
