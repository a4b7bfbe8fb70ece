import { type ActionRun } from '@hub/database';
import { resultEventId, resultEventOf } from './action-result.js';

describe(resultEventId.name, () => {
  it('is a version 5 UUID, the same for the same action id and different for another', () => {
    const id = resultEventId('action-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(resultEventId('action-1')).toBe(id);
    expect(resultEventId('action-2')).not.toBe(id);
  });
});

describe(resultEventOf.name, () => {
  const run: ActionRun = {
    action_id: 'a-1',
    kind: 'argocd.sync',
    target: 'payments-api',
    params: {},
    incident_key: 'fp-1',
    status: 'failed',
    attempts: 4,
    dry_run: false,
    reason: 'gave up after 4 attempts: 500',
    details: { error: { status: 500 } },
    started_at: new Date('2025-11-20T10:00:00Z'),
    finished_at: new Date('2025-11-20T10:00:05Z'),
    duration_ms: 5_000,
    result_published_at: null,
  };

  it('carries the record and the request envelope extensions', () => {
    const event = resultEventOf(run, { incidentkey: 'fp-1', correlationid: 'incident-9' });
    expect(event).toMatchObject({
      id: resultEventId('a-1'),
      type: 'action.failed',
      source: '/hub/remediation-executor',
      subject: 'payments-api',
      time: '2025-11-20T10:00:05.000Z',
      incidentkey: 'fp-1',
      correlationid: 'incident-9',
      data: {
        actionId: 'a-1',
        kind: 'argocd.sync',
        target: 'payments-api',
        attempts: 4,
        durationMs: 5_000,
        dryRun: false,
        reason: 'gave up after 4 attempts: 500',
        details: { error: { status: 500 } },
      },
    });
    expect(resultEventOf({ ...run, status: 'succeeded', reason: null }, {}).data.reason).toBeUndefined();
    expect(resultEventOf({ ...run, status: 'succeeded' }, {}).incidentkey).toBe('fp-1');
  });
});
