import { createEvent, type HubEvent, HubIssuer, nameBasedUuid, type ScheduleFired } from '@hub/contracts';
import { type DueSlot } from './catch-up.js';
import { type Schedule } from './schedule.js';
import { zonedIso } from './zoned-time.js';

/** `source` of the events this service publishes. */
export const SCHEDULER_SOURCE = '/hub/scheduler';

/** RFC 4122 namespace of slot event ids (a fixed, random UUID). */
const SLOT_ID_NAMESPACE = '0c7d3f5a2b1e4c8d9a6f1e2d3c4b5a69';

/** The id of a slot's event: the same on every replica and every publish of that slot. */
export function slotEventId(schedule: string, slot: Date): string {
  return nameBasedUuid(SLOT_ID_NAMESPACE, `${schedule}@${slot.toISOString()}`);
}

/** The incident key of one run (`schedule/<name>/<slot>`): a sensor's default key gives one incident per run. */
export function slotIncidentKey(schedule: string, slot: Date): string {
  return `schedule/${schedule}/${slot.toISOString()}`;
}

/** `schedule.fired.<name>` for one slot. */
export function scheduleFiredEvent(schedule: Schedule, due: DueSlot): HubEvent<ScheduleFired> {
  return createEvent<ScheduleFired>({
    id: slotEventId(schedule.name, due.slot),
    type: `schedule.fired.${schedule.name}`,
    source: SCHEDULER_SOURCE,
    hubsource: HubIssuer.scheduler,
    subject: schedule.name,
    time: new Date(schedule.dueAt(due.slot)).toISOString(),
    data: {
      schedule: schedule.name,
      scheduledAt: due.slot.toISOString(),
      params: schedule.payload,
      timezone: schedule.timezone,
      localTime: zonedIso(due.slot, schedule.timezone),
      catchUp: due.catchUp,
    },
    incidentkey: slotIncidentKey(schedule.name, due.slot),
  });
}
