import { issuerRefusal } from './issuers.js';

describe(issuerRefusal.name, () => {
  it('trusts each internal type from its issuers only', () => {
    expect(issuerRefusal('action.requested.argocd.sync', 'sensor')).toBeUndefined();
    expect(issuerRefusal('action.succeeded', 'remediation-executor')).toBeUndefined();
    expect(issuerRefusal('schedule.fired.nightly-backup', 'scheduler')).toBeUndefined();
    expect(issuerRefusal('notification.requested', 'sensor')).toBeUndefined();
    expect(issuerRefusal('ticket.requested', 'sensor')).toBeUndefined();
    expect(issuerRefusal('action.requested.argocd.sync', 'scheduler')).toBe(
      '"action.requested.argocd.sync" from hubsource "scheduler": only "sensor" may issue it',
    );
    expect(issuerRefusal('action.failed', 'sensor')).toContain('only "remediation-executor"');
    expect(issuerRefusal('schedule.fired.x', undefined)).toContain('from an event without hubsource');
  });

  it('trusts cluster facts (kubernetes.*) from event-sources only', () => {
    expect(issuerRefusal('kubernetes.pod.crashlooping', 'event-sources')).toBeUndefined();
    expect(issuerRefusal('kubernetes.event', 'alertmanager')).toContain('only "event-sources"');
  });

  it('covers what lies below an internal type, and names no issuer for external types', () => {
    expect(issuerRefusal('action.requested', 'backstage')).toContain('only "sensor"');
    expect(issuerRefusal('alert.firing', 'alertmanager')).toBeUndefined();
    expect(issuerRefusal('external.github.push', undefined)).toBeUndefined();
  });
});
