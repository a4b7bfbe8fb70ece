import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind } from '@opentelemetry/api';
import { loadGatewayConfig } from '@hub/config';
import { HubPublisher } from '@hub/messaging';
import { amqpUrl, parentSpanId, recordSpans, uniqueName, waitFor } from '@hub/testing';
import { createLogger, PinoNestLogger } from '@hub/telemetry';

const spans = recordSpans('trace-flow-test');

const { createGatewayApp } = await import('../apps/ingest-gateway/src/gateway.app.js');
const { createSiemForwarderApp } = await import('../apps/siem-forwarder/src/siem-forwarder.app.js');
const { loadSiemForwarderConfig } = await import('../apps/siem-forwarder/src/siem-forwarder.config.js');
const { readRecords } = await import('../apps/siem-forwarder/src/audit/audit-log.sink.js');
const example = (await import('../examples/alertmanager/argocd-unhealthy.json', { with: { type: 'json' } })).default;

describe('one event flow, one trace', () => {
  const exchange = uniqueName('flow');
  const logLines: Record<string, unknown>[] = [];
  let dataDir: string;
  let gateway: NestFastifyApplication;
  let forwarder: Awaited<ReturnType<typeof createSiemForwarderApp>>;
  let baseUrl: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hub-flow-'));
    const env = { AMQP_URL: amqpUrl(), HUB_EXCHANGE: exchange, HUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    gateway = await createGatewayApp(loadGatewayConfig({ ...env, HUB_INGEST_TOKENS: 'alertmanager:flow-token-123' }));
    await gateway.get(HubPublisher).waitUntilReady();
    await gateway.listen(0, '127.0.0.1');
    baseUrl = await gateway.getUrl();
    // Nest's Logger is process-wide: the app created last owns it, so the forwarder (whose log
    // lines are captured) comes second. In production every service is its own process.
    forwarder = await createSiemForwarderApp(loadSiemForwarderConfig(env), {
      logger: new PinoNestLogger(createLogger('siem-forwarder', 'info', capture)),
      queue: uniqueName('siem'),
    });
    await forwarder.app.startAllMicroservices();
    await forwarder.app.init();
    await forwarder.server.waitUntilReady();
  });

  afterAll(async () => {
    await gateway?.close();
    await forwarder?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('links the webhook request, the publish, the consume and the audit record', async () => {
    const response = await fetch(`${baseUrl}/v1/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer flow-token-123' },
      body: JSON.stringify(example),
    });
    expect(response.status).toBe(202);
    const { ids } = (await response.json()) as { ids: string[] };
    const eventId = ids[0]!;

    const records = await waitFor('audit record', async () => {
      const all = await readRecords(forwarder.sink.path);
      return all.some((r) => r.eventId === eventId) ? all : undefined;
    });
    const record = records.find((r) => r.eventId === eventId)!;
    expect(record.hubsource).toBe('alertmanager');

    const server = spans
      .spans()
      .find((s) => s.kind === SpanKind.SERVER && s.name.includes('/v1/webhooks/alertmanager'));
    expect(server?.name).toBe('POST /v1/webhooks/alertmanager');
    const traceId = server!.spanContext().traceId;
    // The only span above the gateway's is the test's own fetch (a CLIENT span, instrumented too).
    const above = spans.trace(traceId).find((s) => s.spanContext().spanId === parentSpanId(server!));
    expect(above?.kind).toBe(SpanKind.CLIENT);
    expect(above && parentSpanId(above)).toBeUndefined();

    const process = await waitFor('consumer span', () =>
      spans
        .trace(traceId)
        .find((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === eventId),
    );
    const publish = spans.trace(traceId).find((s) => s.kind === SpanKind.PRODUCER);
    expect(publish && parentSpanId(publish)).toBe(server!.spanContext().spanId);
    expect(parentSpanId(process)).toBe(publish?.spanContext().spanId);
    expect(record.traceId).toBe(traceId);
    expect(record.event.traceparent).toContain(traceId);

    const audited = logLines.find((line) => line.msg === 'event audited' && line.eventId === eventId);
    expect(audited).toMatchObject({ trace_id: traceId, service: 'siem-forwarder', type: 'alert.firing' });
  });
});
