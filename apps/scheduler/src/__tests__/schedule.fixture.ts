import { Schedule } from '../schedules/schedule.js';
import { scheduleDocumentSchema } from '../schedules/schedule.schema.js';

/** A schedule from just its spec, validated like a file's. */
export function scheduleOf(name: string, spec: Record<string, unknown>): Schedule {
  const document = scheduleDocumentSchema.parse({ apiVersion: 'hub/v1', kind: 'Schedule', metadata: { name }, spec });
  return new Schedule(document, `${name}.yaml`);
}
