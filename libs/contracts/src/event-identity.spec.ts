import { eventIdentity } from './event-identity.js';

describe(eventIdentity.name, () => {
  it('is the same for the same source + id, and differs when either differs', () => {
    const key = eventIdentity({ source: '/backstage', id: 'e-1' });
    expect(eventIdentity({ source: '/backstage', id: 'e-1' })).toBe(key);
    expect(eventIdentity({ source: '/github', id: 'e-1' })).not.toBe(key);
    expect(eventIdentity({ source: '/backstage', id: 'e-2' })).not.toBe(key);
  });

  it('cannot be forged by moving a separator between source and id', () => {
    expect(eventIdentity({ source: '/a', id: 'b c' })).not.toBe(eventIdentity({ source: '/a b', id: 'c' }));
    expect(eventIdentity({ source: '/a","b', id: 'c' })).not.toBe(eventIdentity({ source: '/a', id: 'b","c' }));
  });
});
