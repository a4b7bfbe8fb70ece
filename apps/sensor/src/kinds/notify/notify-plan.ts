import { type HubEvent } from '@hub/contracts';
import {
  type Sensor,
  type SensorDependency,
  type SensorNotify,
  type Severity,
} from '../../definitions/sensor.schema.js';
import {
  type DedupPlan,
  eventTime,
  type Link,
  type PlanOptions,
  planDedup,
  Renderer,
} from '../../matching/incident-plan.js';
import { SensorPlanError } from '../../matching/matching.errors.js';

/** A one-off team message (`notify:`), rendered from one event. */
export interface NotifyPlan {
  readonly sensor: string;
  readonly dependency: string;
  /** The team to message; absent when the sensor names a `route` and no `team`. */
  readonly team?: string;
  readonly route: string;
  readonly title: string;
  readonly text: string;
  readonly severity: Severity;
  readonly fields: Record<string, string>;
  readonly links: readonly Link[];
  readonly eventAt: Date;
  readonly dedup?: DedupPlan;
}

/**
 * Renders a notify sensor for `event`. The team is the rendered `team`, else — unless the sensor
 * names a notifier `route` instead — the teams.yaml owner of the event.
 */
export function planNotify(
  sensor: Sensor,
  dependency: SensorDependency,
  event: HubEvent,
  options: PlanOptions,
): NotifyPlan {
  const r = new Renderer(event);
  const notify = sensor.spec.notify as SensorNotify;
  const team = notify.team || !notify.route ? r.team('spec.notify.team', notify.team, options.teams) : undefined;
  const plan: NotifyPlan = {
    sensor: sensor.metadata.name,
    dependency: dependency.name,
    ...(team !== undefined ? { team } : {}),
    route: notify.route ?? 'default',
    title: r.text('spec.notify.title', notify.title),
    text: r.text('spec.notify.text', notify.text),
    severity: notify.severity,
    fields: Object.fromEntries(
      Object.entries(notify.fields).map(([name, t]) => [name, r.text(`spec.notify.fields.${name}`, t)]),
    ),
    links: notify.links.map((link, index) => ({
      title: r.text(`spec.notify.links.${index}.title`, link.title),
      url: r.text(`spec.notify.links.${index}.url`, link.url),
    })),
    eventAt: eventTime(event),
    ...planDedup(r, sensor),
  };
  r.requireNonEmpty([
    ['spec.notify.title', plan.title],
    ...(team !== undefined ? [['spec.notify.team', team] as const] : []),
    ...plan.links.flatMap((link, index) => [
      [`spec.notify.links.${index}.title`, link.title] as const,
      [`spec.notify.links.${index}.url`, link.url] as const,
    ]),
  ]);
  if (r.problems.length > 0) throw new SensorPlanError(sensor.metadata.name, event.id, r.problems);
  return plan;
}
