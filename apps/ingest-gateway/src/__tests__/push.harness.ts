import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Env } from '@hub/config';
import { createTestSchema, type TestSchema } from '@hub/testing';
import { type GatewayHarness, startGateway } from './gateway.harness.js';

export interface PushGateway extends GatewayHarness {
  readonly schema: TestSchema;
  readonly configDir: string;
  /** POSTs (or sends `method`) `body` byte for byte with `headers`; no ingest token. */
  send(
    url: string,
    body: string | Buffer,
    headers: Record<string, string>,
    method?: 'POST' | 'OPTIONS',
  ): Promise<Reply>;
  /** Delivery ids the replay store holds for `source`. */
  deliveries(source: string): Promise<string[]>;
}

export interface Reply {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  json(): Record<string, unknown>;
}

/**
 * The gateway with a database schema of its own (the replay store) and a config directory holding
 * `webhooks` (file name → YAML text) under `webhooks/`. `shareWith` reuses another harness's
 * schema and config (a second replica).
 */
export async function startPushGateway(
  options: { env?: Env; webhooks?: Record<string, string>; shareWith?: PushGateway; connected?: boolean } = {},
): Promise<PushGateway> {
  const schema = options.shareWith?.schema ?? (await createTestSchema());
  const configDir = options.shareWith?.configDir ?? (await mkdtemp(join(tmpdir(), 'hub-push-')));
  if (!options.shareWith) {
    await mkdir(join(configDir, 'webhooks'));
    for (const [file, text] of Object.entries(options.webhooks ?? {}))
      await writeFile(join(configDir, 'webhooks', file), text);
  }
  let gateway: GatewayHarness;
  try {
    gateway = await startGateway(
      { DATABASE_URL: schema.url, HUB_CONFIG_DIR: configDir, ...options.env },
      { connected: options.connected ?? true },
    );
  } catch (error) {
    if (!options.shareWith) {
      await schema.drop();
      await rm(configDir, { recursive: true, force: true });
    }
    throw error;
  }
  return {
    ...gateway,
    schema,
    configDir,
    send: (url, body, headers, method = 'POST') => gateway.app.inject({ method, url, payload: body, headers }),
    async deliveries(source) {
      const { rows } = await schema.pool.query<{ delivery_id: string }>(
        'SELECT delivery_id FROM webhook_deliveries WHERE source = $1 ORDER BY delivery_id',
        [source],
      );
      return rows.map((r) => r.delivery_id);
    },
    async close() {
      await gateway.close();
      if (options.shareWith) return;
      await schema.drop();
      await rm(configDir, { recursive: true, force: true });
    },
  };
}

/** `sha256=<hex>` of `body` under `secret`, as GitHub signs (`X-Hub-Signature-256`). */
export function gitHubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
