import { type HubEvent } from '@hub/contracts';
import { type Sensor } from '../definitions/sensor.schema.js';
import { formatDuration } from '../expressions/duration.js';
import {
  advanceCorrelation,
  type Correlation,
  correlationOf,
  describeKey,
  type SeenDependency,
} from '../matching/correlation.js';
import { eventTime, type IncidentPlan, planIncident, type PlanOptions } from '../matching/incident-plan.js';
import { type Template } from '../expressions/template.js';
import { SensorPlanError } from '../matching/matching.errors.js';
import { planNotify } from '../matching/notify-plan.js';
import { type SensorRegistry } from '../matching/sensor.registry.js';

/** What one sensor made of one event in a dry run. */
export interface DryRunVerdict {
  readonly sensor: string;
  /** `fires` — something would be published; `held` — matched but a gate or state held it; `skipped` — no match. */
  readonly outcome: 'fires' | 'held' | 'skipped';
  /** One line: what would be published, or why not. */
  readonly reason: string;
  /** What would be published, in order (`notification firing …`, `action argocd.sync payments-api {…}`). */
  readonly effects: readonly string[];
}

export interface DryRunResult {
  readonly event: { readonly id: string; readonly type: string; readonly subject?: string };
  readonly verdicts: readonly DryRunVerdict[];
}

/**
 * Runs events through a sensor set without the broker, the database or the executor: "what would
 * have fired". The incident state, windows, dedup and once-within marks are simulated in memory
 * over the events given, in order, at each event's own time — the same decisions the service
 * makes for a fresh key, minus action results (an action is assumed to be still running).
 * `hub sensors test` and `hub replay` print its verdicts.
 */
export class DryRun {
  private readonly open = new Map<string, { sensor: string; plan: IncidentPlan }>();
  private readonly windows = new Map<string, Date[]>();
  private readonly marks = new Map<string, number>();
  /** In-memory `sensor_condition_matches`: partial matches per sensor and correlation key. */
  private readonly correlations = new Map<string, readonly SeenDependency[]>();

  private readonly options: PlanOptions;

  /** Plans with the registry's teams; every action is a dry run. */
  constructor(private readonly registry: SensorRegistry) {
    this.options = { ...registry.options, forceDryRun: true };
  }

  run(event: HubEvent): DryRunResult {
    return {
      event: { id: event.id, type: event.type, ...(event.subject ? { subject: event.subject } : {}) },
      verdicts: this.registry.sensors.map((sensor) => this.judge(sensor, event)),
    };
  }

  private judge(sensor: Sensor, event: HubEvent): DryRunVerdict {
    const name = sensor.metadata.name;
    const skipped = (reason: string): DryRunVerdict => ({ sensor: name, outcome: 'skipped', reason, effects: [] });
    const held = (reason: string): DryRunVerdict => ({ sensor: name, outcome: 'held', reason, effects: [] });
    const absent = sensor.spec.condition?.absent;
    if (absent) {
      // Deadlines are swept by the service; the dry run says what the event does to them.
      const hit = (dep: string) =>
        sensor.spec.dependencies.some(
          (d) => d.name === dep && d.eventType === event.type && d.filters.every((f) => f.matches(event)),
        );
      try {
        if (hit(absent.after)) {
          const due = new Date(eventTime(event).getTime() + absent.within).toISOString();
          return held(
            `arms the absence deadline of ${absent.correlate.render(event)}: incident at ${due} unless ${absent.missing} arrives`,
          );
        }
        if (hit(absent.missing)) return held(`disarms the absence deadline of ${absent.correlate.render(event)}`);
      } catch (error) {
        return held(`matched, but ${(error as Error).message}`);
      }
    }
    const candidates = sensor.spec.dependencies.filter((d) => d.eventType === event.type && !absent);
    const resolves = sensor.spec.incident?.resolveOn === event.type;
    if (candidates.length === 0 && !resolves) return skipped(`does not depend on ${event.type}`);
    const failing = (d: Sensor['spec']['dependencies'][number]) => d.filters.find((f) => !f.matches(event));
    const dependency = candidates.find((d) => failing(d) === undefined);
    try {
      if (resolves && !dependency) {
        // A resolution passes the same filters as some dependency (a resolved alert keeps its labels).
        const filters = sensor.spec.dependencies.map(failing);
        if (!filters.includes(undefined)) return skipped(`resolution filter failed: ${filters[0]!.describe()}`);
        const key = sensor.spec.incident!.key.render(event);
        const open = this.open.get(key);
        if (!open || open.sensor !== name) return held(`would resolve ${key}, but no incident of it is open`);
        this.open.delete(key);
        const effects = [
          `notification resolved ${key}`,
          ...open.plan.resolveActions.map((a) => `action ${a.kind} ${a.target} ${JSON.stringify(a.params)}`),
          ...(open.plan.ticket ? [`ticket resolve ${key}`] : []),
        ];
        return { sensor: name, outcome: 'fires', reason: `resolves incident ${key}`, effects };
      }
      if (!dependency) {
        const filter = failing(candidates[0]!);
        return skipped(`filter failed on dependency ${candidates[0]!.name}: ${filter?.describe() ?? '?'}`);
      }
      const correlation = correlationOf(sensor);
      const waiting = correlation && this.correlate(name, correlation, dependency.name, event);
      if (waiting) return held(waiting);
      const at = eventTime(event).getTime();
      if (sensor.spec.notify) {
        const plan = planNotify(sensor, dependency, event, this.options);
        if (plan.dedup && !this.claim(`${name}|dedup|${plan.dedup.key}`, at, plan.dedup.withinMs)) {
          return held(`duplicate of an event within ${formatDuration(plan.dedup.withinMs)}`);
        }
        const to = plan.team ? `team ${plan.team}` : `route ${plan.route}`;
        return {
          sensor: name,
          outcome: 'fires',
          reason: `message to ${to}`,
          effects: [`notification message to ${to}: ${plan.title}${plan.text ? ` — ${plan.text}` : ''}`],
        };
      }
      const plan = planIncident(sensor, dependency, event, this.options);
      if (plan.dedup && !this.claim(`${name}|dedup|${plan.dedup.key}`, at, plan.dedup.withinMs)) {
        return held(`duplicate of an event within ${formatDuration(plan.dedup.withinMs)}`);
      }
      const open = this.open.get(plan.key);
      if (open) return held(`incident ${plan.key} is already open (${open.sensor}); a repeat is counted`);
      if (plan.aggregate) {
        const windowKey = `${name}|${plan.key}`;
        const since = at - plan.aggregate.withinMs;
        const window = [...(this.windows.get(windowKey) ?? []), new Date(at)].filter(
          (d) => d.getTime() > since && d.getTime() <= at,
        );
        if (window.length < plan.aggregate.count) {
          this.windows.set(windowKey, window);
          return held(
            `aggregating: ${window.length} of ${plan.aggregate.count} within ${formatDuration(plan.aggregate.withinMs)} for ${plan.key}`,
          );
        }
        this.windows.delete(windowKey);
      }
      if (plan.onceWithinMs && !this.claim(`${name}|once|${plan.key}`, at, plan.onceWithinMs)) {
        return held(`an incident of ${plan.key} opened within ${formatDuration(plan.onceWithinMs)} (onceWithin)`);
      }
      this.open.set(plan.key, { sensor: name, plan });
      const actions = [...(plan.action ? [plan.action] : []), ...plan.sideActions];
      const effects = [
        `notification firing ${plan.key} to team ${plan.team}: ${plan.title}`,
        ...actions.map(
          (a) => `action ${a.kind} ${a.target} ${JSON.stringify(a.params)}${a.dryRun ? ' (dry run)' : ''}`,
        ),
        ...(plan.ticket?.when === 'open' ? [`ticket open ${plan.key} for team ${plan.ticket.team}`] : []),
        ...onSuccessEffects(sensor, plan),
      ];
      return { sensor: name, outcome: 'fires', reason: `opens incident ${plan.key}`, effects };
    } catch (error) {
      if (!(error instanceof SensorPlanError)) throw error;
      return held(`matched, but ${error.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    }
  }

  /**
   * Advances the in-memory partial match of the event's correlation key as the service does:
   * why the condition has not fired yet, or undefined when this event completes it.
   */
  private correlate(
    sensor: string,
    correlation: Correlation & { readonly correlate: Template },
    dependency: string,
    event: HubEvent,
  ): string | undefined {
    let key: string;
    try {
      key = correlation.correlate.render(event);
    } catch (error) {
      return `matched ${dependency}, but spec.condition.${correlation.kind}.correlate: ${(error as Error).message}`;
    }
    const mapKey = `${sensor}|${key}`;
    const step = advanceCorrelation(correlation, this.correlations.get(mapKey) ?? [], {
      dependency,
      eventId: event.id,
      at: eventTime(event).getTime(),
    });
    this.correlations.set(mapKey, step.seen);
    if (step.complete) return undefined;
    return `${correlation.kind}: ${dependency} seen for ${describeKey(correlation.correlate, key)}; ${step.why}`;
  }

  /** In-memory `sensor_marks` claim: true when `key` is free at `at`, then held for `withinMs`. */
  private claim(key: string, at: number, withinMs: number): boolean {
    const until = this.marks.get(key);
    if (until !== undefined && until > at) return false;
    this.marks.set(key, at + withinMs);
    return true;
  }
}

/**
 * The remediation's `onSuccess`, said rather than done: the dry run has no action results (the
 * action is assumed still running), so its messages and resolution cannot be rendered.
 */
function onSuccessEffects(sensor: Sensor, plan: IncidentPlan): string[] {
  const onSuccess = sensor.spec.triggers.find((t) => t.name === plan.action?.trigger)?.onSuccess;
  if (!plan.action || !onSuccess) return [];
  const notify = onSuccess.notify;
  const what = [
    ...(notify
      ? [`team messages "${notify.title.source}"${notify.forEach ? ` per entry of ${notify.forEach.text}` : ''}`]
      : []),
    ...(onSuccess.resolve ? ['resolve the incident'] : []),
  ];
  return [`when ${plan.action.kind} succeeds: ${what.join(', then ')} (action results are not simulated)`];
}

/** The verdicts as text lines, for the CLI. `all` includes sensors that do not depend on the type. */
export function formatDryRun(results: readonly DryRunResult[], all = false): string {
  const lines: string[] = [];
  for (const [index, { event, verdicts }] of results.entries()) {
    lines.push(`event ${index + 1} ${event.type}${event.subject ? ` (${event.subject})` : ''} ${event.id}`);
    for (const verdict of verdicts) {
      if (!all && verdict.outcome === 'skipped' && verdict.reason.startsWith('does not depend')) continue;
      const mark = verdict.outcome === 'fires' ? 'FIRES' : verdict.outcome === 'held' ? 'held ' : 'no   ';
      lines.push(`  ${mark} ${verdict.sensor}: ${verdict.reason}`);
      for (const effect of verdict.effects) lines.push(`        → ${effect}`);
    }
  }
  return lines.join('\n');
}
