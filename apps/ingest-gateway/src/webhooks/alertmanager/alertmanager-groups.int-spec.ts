import { createDatabase, type Database, migrateToLatest, runOnce } from '@hub/database';
import { amqpUrl, createTestSchema, QueueReader, type TestSchema } from '@hub/testing';
import { AM_TOKEN, alertmanagerExample, type GatewayHarness, startGateway } from '../../__tests__/gateway.harness.js';
import { RETRY_AFTER_SECONDS } from '../../errors/http-exception.filter.js';

/** A webhook of `count` distinct firing alerts of one group, small enough that 1,500 fit the body limit. */
function group(count: number): Record<string, unknown> {
  const alerts = Array.from({ length: count }, (_, i) => ({
    status: 'firing',
    labels: { alertname: 'PodCrashLooping', pod: `pod-${i}` },
    startsAt: '2026-12-01T10:00:00.000Z',
    fingerprint: `f${String(i).padStart(15, '0')}`,
  }));
  return { ...alertmanagerExample('argocd-unhealthy.json'), alerts };
}

describe('POST /v1/webhooks/alertmanager with a large group', () => {
  let gateway: GatewayHarness;

  const post = (body: unknown) =>
    gateway.app.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      payload: JSON.stringify(body),
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
    });

  describe('with the default alert cap', () => {
    beforeAll(async () => {
      gateway = await startGateway();
    });

    afterAll(async () => {
      await gateway?.close();
    });

    it('answers 413 naming the count and the cap to a group above it, and publishes nothing', async () => {
      const response = await post(group(1_001));
      expect(response.statusCode).toBe(413);
      expect(response.json()).toEqual({
        error: {
          code: 'BATCH_TOO_LARGE',
          message: expect.stringMatching(/1001 alerts, more than the cap of 1000 \(GATEWAY_MAX_ALERTS\)/),
        },
      });
      expect(await gateway.unexpected()).toEqual([]);
    });

    it('accepts a group at the cap', async () => {
      const response = await post(group(1_000));
      expect(response.statusCode).toBe(202);
      expect(await gateway.received(1_000)).toHaveLength(1_000);
    });
  });

  describe('within a raised alert cap', () => {
    beforeAll(async () => {
      gateway = await startGateway({ GATEWAY_MAX_ALERTS: '2000' });
    });

    afterAll(async () => {
      await gateway?.close();
    });

    it('publishes 1,500 alerts in chunks within the confirm window and answers 202 once all are confirmed', async () => {
      const response = await post(group(1_500));
      expect(response.statusCode).toBe(202);
      expect(response.json<{ accepted: number }>().accepted).toBe(1_500);
      const received = await gateway.received(1_500);
      expect(new Set(received.map((r) => r.event.id)).size).toBe(1_500);
      expect(await gateway.unexpected()).toEqual([]);
    });

    describe('posted twice, as Alertmanager retries a webhook', () => {
      let schema: TestSchema;
      let db: Database;

      beforeAll(async () => {
        schema = await createTestSchema();
        db = createDatabase(schema.url, 2).db;
        await migrateToLatest(db);
      });

      afterAll(async () => {
        await db?.destroy();
        await schema?.drop();
      });

      it('republishes the same 1,500 ids, which a consumer idempotent on the id handles once each', async () => {
        const body = group(1_500);
        const first = await post(body);
        const second = await post(body);
        expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
        expect(second.json<{ ids: string[] }>().ids).toEqual(first.json<{ ids: string[] }>().ids);

        const received = await gateway.received(3_000);
        expect(new Set(received.map((r) => r.event.id)).size).toBe(1_500);
        expect(await gateway.unexpected()).toEqual([]);

        let handled = 0;
        for (const { event } of received) {
          await runOnce(db, 'alert-consumer', event.id, () => Promise.resolve(++handled));
        }
        expect(handled).toBe(1_500);
      });
    });
  });

  describe('when the broker refuses part of the group', () => {
    let reader: QueueReader;

    beforeAll(async () => {
      gateway = await startGateway({ GATEWAY_MAX_ALERTS: '2000' });
      reader = await QueueReader.open(amqpUrl());
      const { queue } = await reader.channel.assertQueue('', {
        exclusive: true,
        arguments: { 'x-max-length': 150, 'x-overflow': 'reject-publish' },
      });
      await reader.channel.bindQueue(queue, gateway.exchange, '#');
    });

    afterAll(async () => {
      await reader?.close();
      await gateway?.close();
    });

    it('answers 503 with Retry-After and publishes nothing after the chunk that failed', async () => {
      const response = await post(group(1_500));
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
      expect(response.json<{ error: { code: string } }>().error.code).toBe('PUBLISH_NACKED');
      const published = await gateway.unexpected();
      expect(published.length).toBeGreaterThanOrEqual(150);
      expect(published.length).toBeLessThanOrEqual(200);
    });
  });
});
