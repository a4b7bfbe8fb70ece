import { findEventDefinition } from './catalog.js';
import { cloudEventSchema, createEvent } from './envelope.js';

describe('event catalog', () => {
  it('finds exact types and family members, and nothing else', () => {
    expect(findEventDefinition('alert.firing')?.type).toBe('alert.firing');
    expect(findEventDefinition('action.requested.argocd.sync')?.type).toBe('action.requested');
    expect(findEventDefinition('external.github.push')?.type).toBe('external');
    expect(findEventDefinition('action.requested')).toBeUndefined();
    expect(findEventDefinition('unknown.thing')).toBeUndefined();
  });
});

describe('cloudEventSchema', () => {
  it('accepts an envelope made by createEvent', () => {
    const event = createEvent({ type: 'alert.firing', source: '/test', data: { a: 1 }, incidentkey: 'k' });
    expect(cloudEventSchema.parse(event)).toMatchObject({ id: event.id, incidentkey: 'k' });
  });

  it('names every bad attribute', () => {
    const result = cloudEventSchema.safeParse({ specversion: '0.3', id: '', source: 's', type: 'Bad', BadExt: 1 });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['BadExt', 'id', 'specversion', 'type']);
  });
});
