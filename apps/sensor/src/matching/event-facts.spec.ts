import { createEvent } from '@hub/contracts';
import { runbookUrlOf, sourceUrlOf, startedAtOf } from './event-facts.js';

describe('event facts', () => {
  it('reads the source-agnostic envelope fields the mappers set', () => {
    const event = createEvent({
      type: 'service.degraded',
      source: '/statuspage',
      data: { service: 'checkout' },
      startedat: '2026-12-01T10:00:00Z',
      sourceurl: 'https://status.example.com/checkout',
      runbookurl: 'https://runbooks.example.com/checkout',
    });
    expect([startedAtOf(event), sourceUrlOf(event), runbookUrlOf(event)]).toEqual([
      '2026-12-01T10:00:00Z',
      'https://status.example.com/checkout',
      'https://runbooks.example.com/checkout',
    ]);
  });

  it("keeps alert envelopes from before the fields readable: Alertmanager's names in data", () => {
    const event = createEvent({
      type: 'alert.firing',
      source: '/alertmanager/hub',
      data: {
        startsAt: '2025-11-20T09:14:32.118Z',
        generatorURL: 'http://prometheus/graph',
        annotations: { runbook_url: 'http://rb' },
      },
    });
    expect([startedAtOf(event), sourceUrlOf(event), runbookUrlOf(event)]).toEqual([
      '2025-11-20T09:14:32.118Z',
      'http://prometheus/graph',
      'http://rb',
    ]);
  });

  it('has none of them for an event without them, and ignores a time that does not parse', () => {
    const event = createEvent({ type: 'ci.failed', source: '/ci', data: { startsAt: 'yesterday' }, startedat: 'soon' });
    expect([startedAtOf(event), sourceUrlOf(event), runbookUrlOf(event)]).toEqual([undefined, undefined, undefined]);
  });
});
