import { alertDataSchema, CLOUDEVENTS_JSON, cloudEventSchema } from '@hub/contracts';
import { recordSpans } from '@hub/testing';
import { AM_TOKEN, alertmanagerExample, type GatewayHarness, startGateway } from '../../__tests__/gateway.harness.js';

recordSpans('ingest-gateway-test');

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;

describe('POST /v1/webhooks/alertmanager', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (body: unknown) =>
    gateway.app.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      payload: JSON.stringify(body),
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
    });

  it('publishes a firing alert as alert.firing, confirmed before the 202', async () => {
    const response = await post(alertmanagerExample('argocd-unhealthy.json'));
    expect(response.statusCode).toBe(202);
    const body = response.json<{ accepted: number; ids: string[] }>();
    expect(body).toEqual({ accepted: 1, ids: [expect.any(String)] });

    const [received] = await gateway.received(1);
    const { message, event } = received!;
    expect(message.fields.routingKey).toBe('alert.firing');
    expect(message.fields.exchange).toBe(gateway.exchange);
    expect(message.properties).toMatchObject({
      messageId: body.ids[0],
      type: 'alert.firing',
      contentType: CLOUDEVENTS_JSON,
      deliveryMode: 2,
    });
    expect(String(message.properties.headers?.traceparent)).toMatch(TRACEPARENT);
    expect(cloudEventSchema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      id: body.ids[0],
      specversion: '1.0',
      type: 'alert.firing',
      source: '/alertmanager/hub-gateway',
      subject: 'ArgoCDApplicationUnhealthy',
      incidentkey: '5f1e0c9d2a7b3e48',
      hubsource: 'alertmanager',
      traceparent: expect.stringMatching(TRACEPARENT),
    });
    expect(alertDataSchema.parse(event.data)).toMatchObject({
      status: 'firing',
      labels: { slo: 'argocd-application-health', name: 'payments-api', dest_namespace: 'payments' },
    });
  });

  it('publishes the resolved notification as alert.resolved for the same incident', async () => {
    const response = await post(alertmanagerExample('argocd-unhealthy-resolved.json'));
    expect(response.statusCode).toBe(202);
    const [received] = await gateway.received(1);
    expect(received?.message.fields.routingKey).toBe('alert.resolved');
    expect(received?.event).toMatchObject({ type: 'alert.resolved', incidentkey: '5f1e0c9d2a7b3e48' });
    expect(received?.event.data).toMatchObject({ status: 'resolved', endsAt: '2025-11-20T09:31:02.540Z' });
  });

  it('publishes one event per alert of a mixed group, each by its own status', async () => {
    const firing = alertmanagerExample('argocd-unhealthy.json');
    const resolved = alertmanagerExample('argocd-unhealthy-resolved.json');
    const alert = (firing.alerts as Record<string, unknown>[])[0]!;
    const done = (resolved.alerts as Record<string, unknown>[])[0]!;
    const unfingerprinted: Record<string, unknown> = { ...alert, labels: { alertname: 'Other', name: 'ledger' } };
    delete unfingerprinted.fingerprint;
    const response = await post({
      ...firing,
      alerts: [alert, { ...done, fingerprint: 'aaaa0000bbbb1111' }, unfingerprinted],
    });
    expect(response.statusCode).toBe(202);
    const { ids } = response.json<{ ids: string[] }>();
    expect(ids).toHaveLength(3);

    const received = await gateway.received(3);
    const byId = new Map(received.map((r) => [r.event.id, r]));
    expect(ids.map((id) => byId.get(id)?.message.fields.routingKey)).toEqual([
      'alert.firing',
      'alert.resolved',
      'alert.firing',
    ]);
    expect(byId.get(ids[2]!)?.event.incidentkey).toMatch(/^[0-9a-f]{16}$/);
  });

  it('answers 422 naming the field when the version is not 4, and publishes nothing', async () => {
    const response = await post({ ...alertmanagerExample('argocd-unhealthy.json'), version: '3' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        details: [{ path: 'version', problem: expect.stringContaining('"4"') }],
      },
    });
  });

  it('answers 422 to an empty alert list', async () => {
    const response = await post({ ...alertmanagerExample('argocd-unhealthy.json'), alerts: [] });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.details).toEqual([{ path: 'alerts', problem: 'must hold at least one alert' }]);
  });

  it('answers 422 listing every missing or wrong field', async () => {
    const { receiver: _r, ...payload } = alertmanagerExample('argocd-unhealthy.json');
    const [alert] = payload.alerts as Record<string, unknown>[];
    const response = await post({ ...payload, alerts: [{ ...alert, status: 'pending' }] });
    expect(response.statusCode).toBe(422);
    const paths = response.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path);
    expect(paths.sort()).toEqual(['alerts.0.status', 'receiver']);
  });

  it('answers 422 to a body that is not an object', async () => {
    const response = await post(['not', 'a', 'payload']);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.details[0].path).toBe('(body)');
  });

  it('published nothing for the rejected requests', async () => {
    expect(await gateway.unexpected()).toEqual([]);
  });
});
