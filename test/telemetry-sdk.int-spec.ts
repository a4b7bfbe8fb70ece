import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createDatabase, migrateToLatest } from '@hub/database';
import { amqpUrl, createTestSchema, freePort, type TestSchema, uniqueName, waitFor } from '@hub/testing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'telemetry-test-token-1';
const READ_TOKEN = 'telemetry-read-token-1';

interface OtlpValue {
  stringValue?: string;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpResource {
  attributes: OtlpAttribute[];
}

/** A loopback OTLP/HTTP (JSON) receiver: what each signal's exporter posted. */
class OtlpReceiver {
  readonly posts = new Map<string, unknown[]>();
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const list = this.posts.get(req.url ?? '') ?? [];
        list.push(JSON.parse(body));
        this.posts.set(req.url ?? '', list);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** The resources of every batch posted to `path`. */
  resources(path: string, key: 'resourceSpans' | 'resourceMetrics' | 'resourceLogs'): OtlpResource[] {
    return (this.posts.get(path) ?? []).flatMap((post) =>
      ((post as Record<string, { resource: OtlpResource }[]>)[key] ?? []).map((r) => r.resource),
    );
  }

  spanNames(): string[] {
    return (this.posts.get('/v1/traces') ?? []).flatMap((post) =>
      (post as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] }).resourceSpans.flatMap((r) =>
        r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)),
      ),
    );
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const attribute = (resource: OtlpResource | undefined, key: string) =>
  resource?.attributes.find((a) => a.key === key)?.value.stringValue;

/**
 * The services start OpenTelemetry's NodeSDK from the preload (`--import @hub/telemetry/register`)
 * and follow the standard variables: a built gateway with OTLP exporters for traces, metrics and
 * logs sends all three to the endpoint, with `OTEL_RESOURCE_ATTRIBUTES` on the resource and the
 * PostgreSQL queries of a request in its trace.
 */
describe('telemetry on the standard SDK (NodeSDK, OTEL_* variables)', () => {
  let schema: TestSchema;
  let receiver: OtlpReceiver;
  let gateway: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    schema = await createTestSchema();
    const { db } = createDatabase(schema.url, 1);
    await migrateToLatest(db);
    await db.destroy();
    receiver = new OtlpReceiver();
    await receiver.start();
  });

  afterAll(async () => {
    gateway?.kill('SIGKILL');
    await receiver?.stop();
    await schema?.drop();
  });

  it('exports traces (with pg spans), metrics and logs over OTLP, with OTEL_RESOURCE_ATTRIBUTES', async () => {
    const port = await freePort();
    gateway = spawn(process.execPath, ['--import', '@hub/telemetry/register', 'apps/ingest-gateway/dist/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HUB_SERVICE: 'ingest-gateway',
        AMQP_URL: amqpUrl(),
        DATABASE_URL: schema.url,
        HUB_EXCHANGE: uniqueName('otel'),
        HUB_INGEST_TOKENS: `ci:${TOKEN}`,
        HUB_READ_TOKENS: `ops:${READ_TOKEN}`,
        GATEWAY_HOST: '127.0.0.1',
        GATEWAY_PORT: String(port),
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_METRIC_EXPORT_INTERVAL: '500',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BLRP_SCHEDULE_DELAY: '200',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=ci,hub.team=platform',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [gateway.stdout!, gateway.stderr!]) stream.on('data', (c: Buffer) => (output += c.toString()));
    const url = `http://127.0.0.1:${port}`;
    await waitFor('the gateway ready', async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok, {
      timeoutMs: 30_000,
    });
    const response = await fetch(`${url}/v1/incidents/no-such-incident`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    expect(response.status).toBe(404);

    await waitFor(
      'the request trace with its PostgreSQL queries',
      () =>
        receiver.spanNames().includes('GET /v1/incidents/:key') &&
        receiver.spanNames().some((n) => n.startsWith('pg.query')),
      { timeoutMs: 15_000 },
    );
    const [traces] = receiver.resources('/v1/traces', 'resourceSpans');
    expect(attribute(traces, 'service.name')).toBe('ingest-gateway');
    expect(attribute(traces, 'deployment.environment.name')).toBe('ci');
    expect(attribute(traces, 'hub.team')).toBe('platform');

    await waitFor('metrics posted', () => receiver.resources('/v1/metrics', 'resourceMetrics').length > 0, {
      timeoutMs: 15_000,
    });
    expect(attribute(receiver.resources('/v1/metrics', 'resourceMetrics')[0], 'hub.team')).toBe('platform');
    await waitFor('log records posted', () => receiver.resources('/v1/logs', 'resourceLogs').length > 0, {
      timeoutMs: 15_000,
    });
    expect(JSON.stringify(receiver.posts.get('/v1/logs'))).toContain('Listening on');
    expect(output).not.toContain('[otel]');
  }, 90_000);
});
