import { createEvent } from '@hub/contracts';
import { parseCef } from '@hub/testing';
import { cefSeverity, escapeCefHeader, escapeCefValue, toCef } from './cef.js';

describe('CEF', () => {
  it('escapes pipes and backslashes in the header, and flattens line breaks', () => {
    expect(escapeCefHeader('a|b\\c\nd')).toBe('a\\|b\\\\c d');
  });

  it('escapes equals signs, backslashes and line breaks in extension values', () => {
    expect(escapeCefValue('k=v\\x\r\ny')).toBe('k\\=v\\\\x\\r\\ny');
  });

  it('maps an event to a line a CEF parser reads back unchanged', () => {
    const event = createEvent({
      type: 'action.failed',
      source: '/remediation-executor',
      subject: 'app|with=odd\\chars',
      incidentkey: 'slo/app',
      data: { kind: 'argocd.sync', reason: 'sync failed: a=b\nnext line' },
    });
    const cef = parseCef(toCef({ event, traceId: 'f'.repeat(32) }));
    expect(cef).toMatchObject({
      vendor: 'Hub',
      product: 'hub',
      signatureId: 'action.failed',
      name: 'action.failed app|with=odd\\chars',
      severity: '7',
    });
    expect(cef?.extensions).toMatchObject({
      externalId: event.id,
      act: 'argocd.sync',
      outcome: 'failure',
      cs2: 'app|with=odd\\chars',
      cs3: 'f'.repeat(32),
      cs4: 'slo/app',
    });
    expect(JSON.parse(cef!.extensions.msg!)).toEqual(event.data);
  });

  it('rates severity from the data, then from the event type', () => {
    const of = (type: string, data: unknown) => cefSeverity(createEvent({ type, source: '/t', data }));
    expect(of('alert.firing', { labels: { severity: 'critical' } })).toBe(9);
    expect(of('notification.requested', { severity: 'warning' })).toBe(6);
    expect(of('action.failed', {})).toBe(7);
    expect(of('alert.firing', {})).toBe(5);
    expect(of('action.succeeded', {})).toBe(3);
  });
});
