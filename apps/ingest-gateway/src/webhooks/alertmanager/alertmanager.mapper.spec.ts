import { readFileSync } from 'node:fs';
import { alertDataSchema, cloudEventSchema } from '@hub/contracts';
import { validate, ValidationError } from '../../errors/gateway.errors.js';
import { alertEventId } from './alert-event-id.js';
import { fingerprintOf, mapAlertmanagerPayload } from './alertmanager.mapper.js';
import { type AlertmanagerPayload, alertmanagerPayloadSchema } from './alertmanager.schema.js';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../../../examples/alertmanager/${name}`, import.meta.url), 'utf8'));
}

function payload(name: string): AlertmanagerPayload {
  return validate(alertmanagerPayloadSchema, fixture(name), 'fixture');
}

function problemsOf(body: unknown): { path: string; problem: string }[] {
  try {
    validate(alertmanagerPayloadSchema, body, 'payload');
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  return [];
}

describe(mapAlertmanagerPayload.name, () => {
  it('maps a firing ArgoCD alert to one alert.firing event', () => {
    const [event, ...rest] = mapAlertmanagerPayload(payload('argocd-unhealthy.json'), 'alertmanager');
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'alert.firing',
      source: '/alertmanager/hub-gateway',
      subject: 'ArgoCDApplicationUnhealthy',
      incidentkey: '5f1e0c9d2a7b3e48',
      hubsource: 'alertmanager',
      datacontenttype: 'application/json',
      startedat: '2025-11-20T09:14:32.118Z',
      sourceurl: expect.stringMatching(/^http:\/\/prometheus\.monitoring\.svc:9090\/graph\?/),
      runbookurl: 'https://runbooks.example.com/argocd/application-unhealthy',
    });
    expect(cloudEventSchema.safeParse(event).success).toBe(true);
    const data = alertDataSchema.parse(event?.data);
    expect(data).toMatchObject({
      status: 'firing',
      fingerprint: '5f1e0c9d2a7b3e48',
      startsAt: '2025-11-20T09:14:32.118Z',
      receiver: 'hub-gateway',
      externalURL: 'http://alertmanager.monitoring.svc:9093',
      labels: { slo: 'argocd-application-health', name: 'payments-api', dest_namespace: 'payments' },
    });
    expect(data.groupKey).toContain('argocd-application-health');
    expect(data.annotations.summary).toContain('payments-api');
    expect(data).not.toHaveProperty('endsAt');
  });

  it('maps the resolved notification to alert.resolved with the same incident key', () => {
    const [firing] = mapAlertmanagerPayload(payload('argocd-unhealthy.json'), 'alertmanager');
    const [resolved] = mapAlertmanagerPayload(payload('argocd-unhealthy-resolved.json'), 'alertmanager');
    expect(resolved?.type).toBe('alert.resolved');
    expect(resolved?.incidentkey).toBe(firing?.incidentkey);
    expect(resolved?.id).not.toBe(firing?.id);
    expect(alertDataSchema.parse(resolved?.data)).toMatchObject({
      status: 'resolved',
      endsAt: '2025-11-20T09:31:02.540Z',
    });
  });

  it('gives each alert of a mixed group the type of its own status', () => {
    const base = payload('argocd-unhealthy.json');
    const alert = base.alerts[0]!;
    const group: AlertmanagerPayload = {
      ...base,
      alerts: [
        { ...alert, fingerprint: 'a1' },
        { ...alert, status: 'resolved', fingerprint: 'b2', labels: { ...alert.labels, name: 'billing' } },
        { ...alert, fingerprint: 'c3', labels: { ...alert.labels, name: 'ledger' } },
      ],
    };
    const events = mapAlertmanagerPayload(group, 'am');
    expect(events.map((e) => [e.type, e.incidentkey])).toEqual([
      ['alert.firing', 'a1'],
      ['alert.resolved', 'b2'],
      ['alert.firing', 'c3'],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  it('computes a stable fingerprint from the sorted labels when the alert has none', () => {
    const base = payload('argocd-unhealthy.json');
    const { fingerprint: _omitted, ...alert } = base.alerts[0]!;
    const reordered = Object.fromEntries(Object.entries(alert.labels).reverse());
    const [first] = mapAlertmanagerPayload({ ...base, alerts: [alert] }, 'am');
    const [second] = mapAlertmanagerPayload({ ...base, alerts: [{ ...alert, labels: reordered }] }, 'am');
    expect(first?.incidentkey).toMatch(/^[0-9a-f]{16}$/);
    expect(second?.incidentkey).toBe(first?.incidentkey);
    expect(alertDataSchema.parse(first?.data).fingerprint).toBe(first?.incidentkey);
    expect(fingerprintOf({ ...alert.labels, name: 'other' })).not.toBe(first?.incidentkey);
  });

  it('records the receiver in the source, URL-safe', () => {
    const [event] = mapAlertmanagerPayload({ ...payload('argocd-unhealthy.json'), receiver: 'team a/b' }, 'am');
    expect(event?.source).toBe('/alertmanager/team%20a%2Fb');
  });
});

describe('alertmanagerPayloadSchema', () => {
  it('names the version field when the version is not 4', () => {
    const body = { ...(fixture('argocd-unhealthy.json') as object), version: '3' };
    expect(problemsOf(body)).toEqual([{ path: 'version', problem: expect.stringContaining('"4"') }]);
  });

  it('rejects a payload without alerts', () => {
    const body = { ...(fixture('argocd-unhealthy.json') as object), alerts: [] };
    expect(problemsOf(body)).toEqual([{ path: 'alerts', problem: 'must hold at least one alert' }]);
  });

  it('lists every bad field with its path', () => {
    const body = fixture('argocd-unhealthy.json') as { alerts: Record<string, unknown>[] };
    body.alerts[0] = { ...body.alerts[0], status: 'pending', labels: { severity: 3 } };
    delete body.alerts[0].startsAt;
    expect(problemsOf(body).map((p) => p.path)).toEqual([
      'alerts.0.status',
      'alerts.0.labels.severity',
      'alerts.0.startsAt',
    ]);
  });
});

describe(alertEventId.name, () => {
  const alert = {
    fingerprint: '5f1e0c9d2a7b3e48',
    startsAt: '2025-11-20T09:14:32.118Z',
    status: 'firing',
    receiver: 'hub-gateway',
  } as const;

  it('is a version 5 UUID, the same for the same notification', () => {
    expect(alertEventId(alert)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alertEventId({ ...alert })).toBe(alertEventId(alert));
  });

  it('differs when the fingerprint, start, status or receiver does', () => {
    const ids = [
      alert,
      { ...alert, fingerprint: '5f1e0c9d2a7b3e49' },
      { ...alert, startsAt: '2025-11-20T10:14:32.118Z' },
      { ...alert, status: 'resolved' as const },
      { ...alert, receiver: 'other' },
    ].map(alertEventId);
    expect(new Set(ids).size).toBe(5);
  });

  it('gives a webhook mapped twice the same ids', () => {
    const first = mapAlertmanagerPayload(payload('argocd-unhealthy.json'), 'alertmanager');
    const again = mapAlertmanagerPayload(payload('argocd-unhealthy.json'), 'alertmanager');
    expect(again.map((e) => e.id)).toEqual(first.map((e) => e.id));
  });
});
