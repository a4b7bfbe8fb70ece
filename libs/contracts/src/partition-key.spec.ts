import { createEvent } from './envelope.js';
import { partitionKeyOf } from './partition-key.js';

describe('partitionKeyOf', () => {
  const base = { type: 'alert.firing', source: '/test', data: {} };

  it('takes the incident key first, then the correlation id, then the subject, then the id', () => {
    const all = createEvent({ ...base, incidentkey: 'fp-1', correlationid: 'c-1', subject: 'checkout' });
    expect(partitionKeyOf(all)).toBe('fp-1');
    expect(partitionKeyOf(createEvent({ ...base, correlationid: 'c-1', subject: 'checkout' }))).toBe('c-1');
    expect(partitionKeyOf(createEvent({ ...base, subject: 'checkout' }))).toBe('checkout');
    const bare = createEvent({ ...base, id: 'evt-1' });
    expect(partitionKeyOf(bare)).toBe('evt-1');
  });

  it('skips empty values', () => {
    expect(partitionKeyOf({ id: 'evt-2', incidentkey: '', correlationid: '', subject: 'deploy/web' })).toBe(
      'deploy/web',
    );
  });
});
