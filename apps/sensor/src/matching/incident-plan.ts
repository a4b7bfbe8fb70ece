import { type ApprovalPlan, approvalPlanOf } from '../approvals/approval.schema.js';
import { type TeamDirectory } from '@hub/config';
import { createHash } from 'node:crypto';
import { type HubEvent } from '@hub/contracts';
import {
  type Sensor,
  type SensorDependency,
  type SensorIncident,
  type SensorTrigger,
  type Severity,
} from '../definitions/sensor.schema.js';
import { type ParamValue, renderParams, type Template } from '../expressions/template.js';
import { runbookUrlOf, sourceUrlOf } from './event-facts.js';
import { type PlanProblem, SensorPlanError } from './matching.errors.js';

export interface Link {
  readonly title: string;
  readonly url: string;
}

/** The remediation a trigger asks for, rendered from one event. */
export interface ActionPlan {
  readonly trigger: string;
  readonly kind: string;
  readonly target: string;
  readonly params: Record<string, ParamValue>;
  readonly dryRun: boolean;
  /** Attempts in all (the remediation trigger's `retry.attempts`; default 1). */
  readonly attempts?: number;
  readonly rateLimit?: { readonly max: number; readonly perMs: number };
  /** The trigger's `approval:` gate (approvals/). */
  readonly approval?: ApprovalPlan;
}

/** Everything the incident state machine needs from a sensor and one matching event. */
export interface IncidentPlan {
  readonly sensor: string;
  readonly dependency: string;
  readonly key: string;
  readonly title: string;
  /** What the firing notification says (the sensor's `text`, else the alert's summary). */
  readonly summary: string;
  readonly severity: Severity;
  readonly route: string;
  readonly fields: Record<string, string>;
  readonly links: readonly Link[];
  readonly labels: Record<string, string>;
  readonly cooldownMs: number;
  /** An incident still open this long after a successful fix escalates (the sweeper's clock, or a repeat). */
  readonly verifyAfterMs: number;
  /** An incident this long after a remediation started, with no result yet, escalates (the sweeper's clock, or a repeat). */
  readonly actionTimeoutMs: number;
  readonly escalation: EscalationPlan;
  /** The owner team (`incident.team`, else the teams.yaml owner of the event). */
  readonly team: string;
  /** The remediation (the first `on: open` trigger); none for a ticket- or notify-only sensor. */
  readonly action?: ActionPlan;
  /** Further `on: open` triggers: requested once when the incident opens, results not tracked. */
  readonly sideActions: readonly ActionPlan[];
  /** `on: resolve` triggers, rendered from the opening event, requested when the incident resolves. */
  readonly resolveActions: readonly ActionPlan[];
  readonly ticket?: TicketPlan;
  /** When the event happened (its `time`, else when it was handled): windows and marks use it. */
  readonly eventAt: Date;
  readonly dedup?: DedupPlan;
  readonly aggregate?: { readonly count: number; readonly withinMs: number };
  readonly onceWithinMs?: number;
}

/** `dedup:` rendered: the event's identity and how long a repeat of it is dropped. */
export interface DedupPlan {
  readonly key: string;
  readonly withinMs: number;
}

/** `escalation:` of the sensor: the first escalation's route and severity, then the chain's steps. */
export interface EscalationPlan {
  readonly route: string;
  readonly severity: Severity;
  readonly steps?: readonly EscalationStep[];
  /** `escalation.diagnostics` rendered: the `kubernetes.diagnostics` requested when the incident escalates. */
  readonly diagnostics?: ActionPlan;
}

export interface EscalationStep {
  readonly after: number;
  readonly route?: string;
  readonly severity: Severity;
  readonly mention: boolean;
  readonly ticket: boolean;
  readonly text?: string;
}

/** The sensor's `ticket:`, rendered. */
export interface TicketPlan {
  readonly when: 'open' | 'escalation';
  readonly team: string;
  readonly labels: readonly string[];
}

/** How an event is turned into plans: the global dry-run switch and the teams directory. */
export interface PlanOptions {
  readonly forceDryRun: boolean;
  readonly teams?: TeamDirectory;
}

/** A sensor whose `resolveOn` event arrived for one of its incident keys. */
export interface ResolvePlan {
  readonly sensor: string;
  readonly key: string;
}

const SEVERITIES = new Set<string>(['info', 'warning', 'critical']);

/** Collects template problems of one event, so all of them are reported at once. */
export class Renderer {
  readonly problems: PlanProblem[] = [];

  constructor(readonly event: HubEvent) {}

  attempt<T>(field: string, produce: () => T, fallback: T): T {
    try {
      return produce();
    } catch (error) {
      this.problems.push({ field, message: error instanceof Error ? error.message : String(error) });
      return fallback;
    }
  }

  text(field: string, template: Template): string {
    return this.attempt(field, () => template.render(this.event), '');
  }

  /** Adds "is empty" for required values that rendered to nothing (and had no other problem). */
  requireNonEmpty(values: readonly (readonly [string, string])[]): void {
    for (const [field, value] of values) {
      if (value.trim() === '' && !this.problems.some((p) => p.field === field)) {
        this.problems.push({ field, message: 'is empty' });
      }
    }
  }

  /** The owner team: a rendered `team` template, else the teams.yaml owner of the event. */
  team(field: string, template: Template | undefined, teams: TeamDirectory | undefined, fallback?: string): string {
    if (template) return this.text(field, template);
    return fallback ?? teams?.ownerOf(this.event).name ?? 'platform';
  }
}

/** How long a remediated or remediating incident may stay so before it escalates. */
export type EscalationTimeouts = Pick<IncidentPlan, 'verifyAfterMs' | 'actionTimeoutMs'>;

/** The sensor's `verifyAfter` and `actionTimeout`: they need no event, so the sweeper reads them for open incidents. */
export function escalationTimeouts(incident: SensorIncident): EscalationTimeouts {
  return { verifyAfterMs: incident.verifyAfter, actionTimeoutMs: incident.actionTimeout };
}

/** Renders every template of `sensor` for `event`; all missing values are reported at once. */
export function planIncident(
  sensor: Sensor,
  dependency: SensorDependency,
  event: HubEvent,
  options: PlanOptions,
): IncidentPlan {
  const r = new Renderer(event);
  const incident = sensor.spec.incident as SensorIncident;
  const { triggers, escalation, ticket, aggregate, onceWithin } = sensor.spec;
  const data = asRecord(event.data);
  const labels = stringMap(data.labels);
  const annotations = stringMap(data.annotations);
  const fields = Object.fromEntries(
    Object.entries(incident.fields).map(([name, template]) => [name, r.text(`spec.incident.fields.${name}`, template)]),
  );
  const alertname = labels.alertname ?? event.subject;
  const key = r.text('spec.incident.key', incident.key);
  const title = r.text('spec.incident.title', incident.title);
  const summary = incident.text
    ? r.text('spec.incident.text', incident.text)
    : (annotations.summary ?? annotations.description ?? `${alertname ?? event.type} is firing`);
  const actions = triggers.map((trigger, index) => ({ on: trigger.on, plan: planAction(r, trigger, index, options) }));
  const opening = actions.filter((a) => a.on === 'open').map((a) => a.plan);
  const team = r.team('spec.incident.team', incident.team, options.teams);
  const plan: IncidentPlan = {
    sensor: sensor.metadata.name,
    dependency: dependency.name,
    key,
    title,
    summary,
    severity: incident.severity ?? (SEVERITIES.has(labels.severity ?? '') ? (labels.severity as Severity) : 'warning'),
    route: incident.route,
    fields: { ...(alertname ? { alertname } : {}), ...fields },
    links: linksOf(event, data, annotations),
    labels,
    cooldownMs: incident.cooldown,
    ...escalationTimeouts(incident),
    escalation: planEscalation(r, escalation, options),
    team,
    ...(opening[0] ? { action: opening[0] } : {}),
    sideActions: opening.slice(1),
    resolveActions: actions.filter((a) => a.on === 'resolve').map((a) => a.plan),
    eventAt: eventTime(event),
    ...planDedup(r, sensor),
    ...(aggregate ? { aggregate: { count: aggregate.count, withinMs: aggregate.within } } : {}),
    ...(onceWithin ? { onceWithinMs: onceWithin } : {}),
    ...(ticket
      ? {
          ticket: {
            when: ticket.when,
            team: r.team('spec.ticket.team', ticket.team, options.teams, team),
            labels: ticket.labels,
          },
        }
      : {}),
  };
  // Empty values would only be refused further down the flow (the executor and the notifier park
  // events whose data breaks the catalog), leaving the incident waiting: refuse them here.
  r.requireNonEmpty([
    ['spec.incident.key', plan.key],
    ['spec.incident.title', plan.title],
    ['spec.incident.team', plan.team],
    ...actions.map((a, index) => [`spec.triggers.${index}.action.target`, a.plan.target] as const),
  ]);
  if (r.problems.length > 0) throw new SensorPlanError(sensor.metadata.name, event.id, r.problems);
  return plan;
}

/** When the event happened: its `time`, else now. */
export function eventTime(event: HubEvent): Date {
  const at = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
  return Number.isNaN(at) ? new Date() : new Date(at);
}

/**
 * `dedup:` rendered: its `key` template, else a digest of what makes two events identical — type,
 * subject and data (not the id or time, which differ on every delivery of the same fact).
 */
export function planDedup(r: Renderer, sensor: Sensor): { dedup?: DedupPlan } {
  const dedup = sensor.spec.dedup;
  if (!dedup) return {};
  const key = dedup.key
    ? r.text('spec.dedup.key', dedup.key)
    : createHash('sha256')
        .update(JSON.stringify([r.event.type, r.event.subject ?? null, r.event.data ?? null]))
        .digest('hex');
  return { dedup: { key, withinMs: dedup.within } };
}

function planAction(r: Renderer, trigger: SensorTrigger, index: number, options: PlanOptions): ActionPlan {
  const at = `spec.triggers.${index}.action`;
  return {
    trigger: trigger.name,
    kind: trigger.action.kind,
    target: r.text(`${at}.target`, trigger.action.target),
    params: r.attempt(
      `${at}.params`,
      () => renderParams(trigger.action.params, r.event) as Record<string, ParamValue>,
      {},
    ),
    dryRun: options.forceDryRun || trigger.dryRun,
    ...(trigger.retry ? { attempts: trigger.retry.attempts } : {}),
    ...(trigger.rateLimit ? { rateLimit: { max: trigger.rateLimit.max, perMs: trigger.rateLimit.per } } : {}),
    ...approvalPlanOf(trigger.approval),
  };
}

/** Links people follow from a notification: the condition at its source, Alertmanager, the runbook. */
function linksOf(event: HubEvent, data: Record<string, unknown>, annotations: Record<string, string>): Link[] {
  const links: Link[] = [];
  const source = sourceUrlOf(event);
  const runbook = runbookUrlOf(event);
  if (source) links.push({ title: 'Alert source', url: source });
  if (typeof data.externalURL === 'string') links.push({ title: 'Alertmanager', url: data.externalURL });
  if (runbook) links.push({ title: 'Runbook', url: runbook });
  if (annotations.dashboard_url) links.push({ title: 'Dashboard', url: annotations.dashboard_url });
  return links;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(asRecord(value)).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** The sensor's `escalation:` with its `diagnostics` rendered from the opening event. */
function planEscalation(r: Renderer, escalation: Sensor['spec']['escalation'], options: PlanOptions): EscalationPlan {
  const { diagnostics, ...rest } = escalation;
  if (!diagnostics) return rest;
  const { namespace, pods, ...bounds } = diagnostics;
  return {
    ...rest,
    diagnostics: {
      trigger: 'escalation.diagnostics',
      kind: 'kubernetes.diagnostics',
      target: r.text('spec.escalation.diagnostics.namespace', namespace),
      params: { pods: r.text('spec.escalation.diagnostics.pods', pods), ...bounds },
      dryRun: options.forceDryRun,
    },
  };
}
