import { type ActionRequested, type HubEvent, type NotificationRequested, type TicketRequested } from '@hub/contracts';
import { type Sensor } from '../definitions/sensor.schema.js';
import { EventEngine, type HandledEvent } from '../engine/event.engine.js';
import { IncidentService } from '../incidents/incident.service.js';
import { type IncidentRow } from '../incidents/sensor-database.js';
import { describeProblems } from '../kinds/correlation/correlation.kind.js';
import { eventTime } from '../matching/incident-plan.js';
import { SensorRegistry } from '../kinds/sensor.registry.js';
import { SensorMetrics } from '../metrics/sensor.metrics.js';
import { MemorySensorStores } from '../stores/memory-sensor-stores.js';

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
 * have fired". It is the service's own engine ({@link EventEngine}: the sensor kinds and the incident
 * state machine) over memory stores, the events given in order, each at its own time — so it
 * decides as the service does, minus action results (an action is assumed to be still running) and
 * silences (there are none in memory). `hub sensors test` and `hub replay` print its verdicts.
 */
export class DryRun {
  private readonly stores = new MemorySensorStores();
  private readonly engine: EventEngine;
  private readonly registry: SensorRegistry;
  private now = new Date();

  /** Plans with the registry's teams; every action is a dry run. */
  constructor(registry: SensorRegistry) {
    const loaded = registry.sensors.map((sensor) => ({ sensor, file: '' }));
    this.registry = new SensorRegistry(loaded, { ...registry.options, forceDryRun: true });
    const clock = () => this.now;
    this.engine = new EventEngine(this.registry, new IncidentService(new SensorMetrics(), clock), clock);
  }

  async run(event: HubEvent): Promise<DryRunResult> {
    this.now = eventTime(event);
    const handled = await this.engine.handle(this.stores, event);
    const verdicts: DryRunVerdict[] = [];
    for (const sensor of this.registry.sensors) verdicts.push(await this.verdictOf(sensor, handled, event));
    return {
      event: { id: event.id, type: event.type, ...(event.subject ? { subject: event.subject } : {}) },
      verdicts,
    };
  }

  private async verdictOf(sensor: Sensor, handled: HandledEvent, event: HubEvent): Promise<DryRunVerdict> {
    const name = sensor.metadata.name;
    const failure = handled.failures.find((f) => f.sensor === name);
    if (failure)
      return { sensor: name, outcome: 'held', reason: `matched, but ${describeProblems(failure)}`, effects: [] };
    const outcomes = handled.outcomes.filter((o) => o.sensor === name);
    const published = outcomes.flatMap((o) => o.events);
    if (published.length > 0) {
      const effects = published.map(effectOf);
      effects.push(...(await this.onSuccessEffects(sensor, published)));
      return { sensor: name, outcome: 'fires', reason: reasonOf(published), effects };
    }
    const why = outcomes.map((o) => o.why ?? o.outcome);
    if (why.length > 0) return { sensor: name, outcome: 'held', reason: why.join('; '), effects: [] };
    const miss = handled.misses.find((m) => m.sensor === name)?.miss;
    return {
      sensor: name,
      effects: [],
      ...(miss ?? { outcome: 'skipped', reason: `does not depend on ${event.type}` }),
    };
  }

  /**
   * The remediation's `onSuccess`, said rather than done: the dry run has no action results (the
   * action is assumed still running), so its messages and resolution cannot be rendered.
   */
  private async onSuccessEffects(sensor: Sensor, published: readonly HubEvent[]): Promise<string[]> {
    const effects: string[] = [];
    for (const event of published) {
      if (!event.type.startsWith('action.requested.') || !event.correlationid) continue;
      const incident: IncidentRow | undefined = await this.stores.incidents.findById(event.correlationid);
      const action = incident?.context.action;
      if (!action || incident.action_id !== (event.data as ActionRequested).actionId) continue;
      const onSuccess = sensor.spec.triggers.find((t) => t.name === action.trigger)?.onSuccess;
      if (!onSuccess) continue;
      const notify = onSuccess.notify;
      const what = [
        ...(notify
          ? [`team messages "${notify.title.source}"${notify.forEach ? ` per entry of ${notify.forEach.text}` : ''}`]
          : []),
        ...(onSuccess.resolve ? ['resolve the incident'] : []),
      ];
      effects.push(`when ${action.kind} succeeds: ${what.join(', then ')} (action results are not simulated)`);
    }
    return effects;
  }
}

/** One line for what the published events do, from the first notification among them. */
function reasonOf(published: readonly HubEvent[]): string {
  const notification = published.find((e) => e.type === 'notification.requested');
  if (!notification) return `publishes ${published.map((e) => e.type).join(', ')}`;
  const data = notification.data as NotificationRequested;
  if (data.kind === 'message') return `message to ${data.team ? `team ${data.team}` : `route ${data.route}`}`;
  const verb: Record<string, string> = {
    firing: 'opens',
    resolved: 'resolves',
    remediating: 'remediates',
    escalated: 'escalates',
  };
  return `${verb[data.state] ?? `moves to ${data.state}`} incident ${data.incidentKey}`;
}

/** What one published event would do, in one line. */
function effectOf(event: HubEvent): string {
  if (event.type === 'notification.requested') {
    const data = event.data as NotificationRequested;
    if (data.kind === 'message') {
      const to = data.team ? `team ${data.team}` : `route ${data.route}`;
      return `notification message to ${to}: ${data.title}${data.text ? ` — ${data.text}` : ''}`;
    }
    if (data.state === 'firing') {
      return `notification firing ${data.incidentKey} to team ${data.team ?? data.route}: ${data.title}`;
    }
    return `notification ${data.state} ${data.incidentKey}: ${data.text}`;
  }
  if (event.type.startsWith('action.requested.')) {
    const data = event.data as ActionRequested;
    return `action ${data.kind} ${data.target} ${JSON.stringify(data.params)}${data.dryRun ? ' (dry run)' : ''}`;
  }
  if (event.type === 'ticket.requested') {
    const data = event.data as TicketRequested;
    return `ticket ${data.operation} ${data.incidentKey}${data.operation === 'open' && data.team ? ` for team ${data.team}` : ''}`;
  }
  return `${event.type} ${event.subject ?? ''}`.trim();
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
