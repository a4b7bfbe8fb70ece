import { eventCatalog, findEventDefinition, mayComeFromOutside } from './catalog.js';
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

describe(mayComeFromOutside.name, () => {
  it("lets in the facts other systems report, never the bus's commands and results", () => {
    for (const type of ['alert.firing', 'deployment.failed', 'policy.violated', 'service.degraded']) {
      expect(mayComeFromOutside(type)).toBe(true);
    }
    expect(mayComeFromOutside('provisioning.requested')).toBe(true);
    expect(mayComeFromOutside('external.github.push')).toBe(true);
    for (const type of [
      'action.requested.namespaces.cleanup-preview',
      'action.succeeded',
      'action.failed',
      'notification.requested',
      'ticket.requested',
      'schedule.fired.preview-cleanup',
      'pizza.ordered',
    ]) {
      expect(mayComeFromOutside(type)).toBe(false);
    }
  });

  it('gives every catalog entry an origin', () => {
    for (const definition of Object.values(eventCatalog)) expect(['external', 'internal']).toContain(definition.origin);
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
