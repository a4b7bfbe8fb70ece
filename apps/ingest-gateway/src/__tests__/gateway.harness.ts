import { readFileSync } from 'node:fs';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type GetMessage } from 'amqplib';
import { type Env, loadGatewayConfig } from '@hub/config';
import { type HubEvent } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';
import { amqpUrl, QueueReader, uniqueName, waitFor } from '@hub/testing';
import { createGatewayApp } from '../gateway.app.js';

export const AM_TOKEN = 'am-s3cret-token';
export const BS_TOKEN = 'bs-t0ken-secret';
/** The read token (`HUB_READ_TOKENS`) of `GET /v1/events` and `GET /v1/incidents/{key}`. */
export const READ_TOKEN = 'ops-r3ad-secret';

/** An example Alertmanager payload from `examples/alertmanager`, parsed. */
export function alertmanagerExample(name: string): Record<string, unknown> {
  const url = new URL(`../../../../examples/alertmanager/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

/** A message read from the bus, with its envelope decoded. */
export interface Received {
  readonly message: GetMessage;
  readonly event: HubEvent;
}

export interface GatewayHarness {
  readonly app: NestFastifyApplication;
  readonly publisher: HubPublisher;
  readonly exchange: string;
  /** Waits for `count` more messages published to the exchange (a queue bound with `#`). */
  received(count: number): Promise<Received[]>;
  /** Messages that arrived beyond those taken by `received`, after a short settling pause. */
  unexpected(): Promise<Received[]>;
  close(): Promise<void>;
}

/**
 * The gateway on its own exchange in the run's vhost, with two ingest tokens, and a queue bound
 * to everything it publishes. `connected: false` skips waiting for the broker (for broker-down tests).
 */
export async function startGateway(env: Env = {}, { connected = true } = {}): Promise<GatewayHarness> {
  const exchange = uniqueName('gw');
  const config = loadGatewayConfig({
    AMQP_URL: amqpUrl(),
    HUB_EXCHANGE: exchange,
    HUB_INGEST_TOKENS: `alertmanager:${AM_TOKEN},backstage:${BS_TOKEN}`,
    HUB_READ_TOKENS: `ops:${READ_TOKEN}`,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await createGatewayApp(config, { publisher: { confirmTimeoutMs: 2_000 } });
  const publisher = app.get(HubPublisher);
  let reader: QueueReader | undefined;
  let queue = '';
  if (connected) {
    await publisher.waitUntilReady();
    reader = await QueueReader.open(amqpUrl());
    queue = (await reader.channel.assertQueue('', { exclusive: true })).queue;
    await reader.channel.bindQueue(queue, exchange, '#');
  }
  const pending: Received[] = [];
  const take = async (): Promise<Received[]> => {
    if (!reader) throw new Error('the harness was started without a broker');
    for (const message of await reader.drain(queue)) {
      pending.push({ message, event: JSON.parse(message.content.toString()) as HubEvent });
    }
    return pending;
  };
  return {
    app,
    publisher,
    exchange,
    async received(count) {
      await waitFor(`${count} messages on ${exchange}`, async () => (await take()).length >= count);
      return pending.splice(0, count);
    },
    async unexpected() {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return (await take()).splice(0);
    },
    async close() {
      await app.close();
      await reader?.close();
    },
  };
}
