import { createEvent } from '@hub/contracts';
import { EventTypeForbiddenError } from '../errors/gateway.errors.js';
import { EventTypePolicy } from './event-type.policy.js';

describe(EventTypePolicy.name, () => {
  const sut = new EventTypePolicy();
  const event = (type: string) => createEvent({ type, source: '/test', data: {}, hubsource: 'backstage' });

  it('lets external types through', () => {
    expect(() => sut.authorize([event('alert.firing'), event('external.github.push')])).not.toThrow();
  });

  it('refuses an internal type with a 403 naming it, whatever route brought it', () => {
    expect(() => sut.authorize([event('alert.firing'), event('ticket.requested')])).toThrow(EventTypeForbiddenError);
    expect(() => sut.authorize([event('action.failed')])).toThrow('"action.failed" is an internal event type');
  });
});
