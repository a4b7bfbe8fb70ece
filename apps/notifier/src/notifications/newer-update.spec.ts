import { createEvent, type NotificationRequested } from '@hub/contracts';
import { notification } from '../__tests__/notification.fixture.js';
import { isNewerUpdateOf } from './newer-update.js';

describe(isNewerUpdateOf.name, () => {
  const current = notification({ sequence: 2 });
  const queued = (data: Partial<NotificationRequested>, routingKey = 'notification.requested', type = routingKey) => ({
    routingKey,
    event: createEvent({ type, source: '/test/sensor', data: { ...notification(), ...data } }),
  });

  it('is a later notification of the same incident, for the same route and team', () => {
    expect(isNewerUpdateOf(queued({ sequence: 3, state: 'remediated' }), current)).toBe(true);
    expect(isNewerUpdateOf(queued({ sequence: 3, team: 'payments' }), { ...current, team: 'payments' })).toBe(true);
  });

  it('is not an older or the same update, another incident of the key, another route or team, or a message', () => {
    expect(isNewerUpdateOf(queued({ sequence: 2 }), current)).toBe(false);
    expect(isNewerUpdateOf(queued({ sequence: 1 }), current)).toBe(false);
    expect(isNewerUpdateOf(queued({ sequence: 3, incidentId: 'inc-2' }), current)).toBe(false);
    expect(isNewerUpdateOf(queued({ sequence: 3, incidentKey: 'fp-other' }), current)).toBe(false);
    expect(isNewerUpdateOf(queued({ sequence: 3, route: 'oncall' }), current)).toBe(false);
    expect(isNewerUpdateOf(queued({ sequence: 3, team: 'payments' }), current)).toBe(false);
    expect(isNewerUpdateOf(queued({ sequence: 3, kind: 'message' }), current)).toBe(false);
    expect(isNewerUpdateOf(queued({ sequence: 3 }, 'notification.requested', 'remediation.requested'), current)).toBe(
      false,
    );
    expect(isNewerUpdateOf(queued({ sequence: 3 }, 'incident.opened', 'notification.requested'), current)).toBe(false);
  });
});
