import { readFile } from 'node:fs/promises';
import { cloudEventSchema, findEventDefinition } from '@hub/contracts';
import { scheduleFiredEvent, slotEventId, slotIncidentKey } from './fired-event.js';
import { loadSchedules } from './schedule-loader.js';

const repo = new URL('../../../../', import.meta.url).pathname;

describe(scheduleFiredEvent.name, () => {
  it('derives the event id and the incident key from schedule and slot only', () => {
    const slot = new Date('2026-05-04T00:00:00Z');
    expect(slotEventId('nightly-backup', slot)).toBe(slotEventId('nightly-backup', new Date(slot)));
    expect(slotEventId('nightly-backup', slot)).not.toBe(
      slotEventId('nightly-backup', new Date(slot.getTime() + 1_000)),
    );
    expect(slotEventId('nightly-backup', slot)).not.toBe(slotEventId('preview-cleanup', slot));
    expect(slotIncidentKey('nightly-backup', slot)).toBe('schedule/nightly-backup/2026-05-04T00:00:00.000Z');
  });

  it('is what examples/events/<schedule>.jsonl hold for the shipped schedules, valid against the catalog', async () => {
    const schedules = await loadSchedules(`${repo}config/schedules`);
    expect(schedules.map((s) => s.name).sort()).toEqual([
      'artifact-purge',
      'certificate-check',
      'nightly-backup',
      'preview-cleanup',
      'team-cost-report',
    ]);
    for (const schedule of schedules) {
      const lines = (await readFile(`${repo}examples/events/${schedule.name}.jsonl`, 'utf8')).trim().split('\n');
      for (const line of lines) {
        const example = JSON.parse(line) as { type: string; data: { scheduledAt: string } };
        expect(cloudEventSchema.safeParse(example).success).toBe(true);
        expect(findEventDefinition(example.type)?.data.safeParse(example.data).success).toBe(true);
        const rebuilt = scheduleFiredEvent(schedule, { slot: new Date(example.data.scheduledAt), catchUp: false });
        expect(example).toEqual(rebuilt);
      }
    }
  });
});
