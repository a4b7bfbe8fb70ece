import { decideOnRepeat, overdueReason } from './repeat.policy.js';
import { type IncidentContext } from './sensor-database.js';

const now = new Date('2025-11-20T10:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const context: IncidentContext = {
  summary: 's',
  severity: 'warning',
  route: 'default',
  escalation: { route: 'oncall', severity: 'critical' },
  fields: {},
  links: [],
  action: { trigger: 't', kind: 'argocd.sync', target: 'payments-api', params: {}, dryRun: false },
};
const plan = { verifyAfterMs: 300_000, actionTimeoutMs: 900_000 };
const incident = (status: string, updatedAgo: number, remediatedAgo?: number) => ({
  status,
  updated_at: ago(updatedAgo),
  remediated_at: remediatedAgo === undefined ? null : ago(remediatedAgo),
  context,
});

describe(decideOnRepeat.name, () => {
  it('remediates a firing incident (the cooldown held it back before)', () => {
    expect(decideOnRepeat(incident('firing', 1_000), plan, now)).toEqual({ kind: 'remediate' });
  });

  it('gives a successful fix verifyAfter before escalating', () => {
    expect(decideOnRepeat(incident('remediated', 60_000, 60_000), plan, now)).toEqual({ kind: 'count' });
    expect(decideOnRepeat(incident('remediated', 360_000, 360_000), plan, now)).toEqual({
      kind: 'escalate',
      reason: 'still firing 6m after argocd.sync payments-api succeeded',
    });
  });

  it('waits actionTimeout for a result before escalating', () => {
    expect(decideOnRepeat(incident('remediating', 60_000), plan, now)).toEqual({ kind: 'count' });
    expect(decideOnRepeat(incident('remediating', 960_000), plan, now)).toEqual({
      kind: 'escalate',
      reason: 'no result from argocd.sync payments-api within 16m',
    });
  });

  it.each(['remediation-failed', 'escalated', 'resolved'])('only counts a repeat of a %s incident', (status) => {
    expect(decideOnRepeat(incident(status, 9_999_999, 9_999_999), plan, now)).toEqual({ kind: 'count' });
  });
});

describe(overdueReason.name, () => {
  it('is due verifyAfter after a fix and actionTimeout after a remediation started, not before', () => {
    expect(overdueReason(incident('remediated', 299_000, 299_000), plan, now)).toBeUndefined();
    expect(overdueReason(incident('remediated', 300_000, 300_000), plan, now)).toBe(
      'still firing 5m after argocd.sync payments-api succeeded',
    );
    expect(overdueReason(incident('remediating', 899_000), plan, now)).toBeUndefined();
    expect(overdueReason(incident('remediating', 900_000), plan, now)).toBe(
      'no result from argocd.sync payments-api within 15m',
    );
  });

  it.each(['firing', 'remediation-failed', 'escalated', 'resolved'])('never times out a %s incident', (status) => {
    expect(overdueReason(incident(status, 9_999_999, 9_999_999), plan, now)).toBeUndefined();
  });
});
