import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findEventDefinition } from '@hub/contracts';

const root = join(import.meta.dirname, '..');

/**
 * The S4 sensor's example events are what `hub sensors test policy-violation` replays: each must be
 * a valid event of the catalog, and the filter of the sensor must pick the privileged / root ones.
 */
describe('S4 examples (examples/events/policy-violation.jsonl)', () => {
  it('are valid catalog events, and the sensor’s policy filter matches exactly the privileged and root ones', async () => {
    const lines = (await readFile(join(root, 'examples/events/policy-violation.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean);
    const events = lines.map((line) => JSON.parse(line) as { type: string; data: { policy: string } });
    for (const event of events) {
      const definition = findEventDefinition(event.type);
      expect(definition, event.type).toBeDefined();
      expect(definition!.data.safeParse(event.data).success).toBe(true);
    }
    const sensor = parse(await readFile(join(root, 'config/sensors/policy-violation.yaml'), 'utf8')) as {
      spec: { dependencies: { filters: { path: string; op: string; value?: string }[] }[] };
    };
    const filter = sensor.spec.dependencies[0]!.filters.find((f) => f.path === 'data.policy')!;
    const matches = new RegExp(`^(?:${filter.value})$`);
    expect(
      events.filter((e) => e.type === 'policy.violated' && matches.test(e.data.policy)).map((e) => e.data.policy),
    ).toEqual(['disallow-privileged-containers', 'Container Run as Root User', 'disallow-privileged-containers']);
  });
});
