import { type HubEvent } from '@hub/contracts';
import { type Sensor, type SensorDependency, type Severity } from '../definitions/sensor.schema.js';
import { type ParamValue, renderParams, type Template } from '../expressions/template.js';
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
  readonly verifyAfterMs: number;
  /** A repeat of the alert this long after a remediation started, with no result yet, escalates. */
  readonly actionTimeoutMs: number;
  readonly escalation: { readonly route: string; readonly severity: Severity };
  readonly action: ActionPlan;
}

/** A sensor whose `resolveOn` event arrived for one of its incident keys. */
export interface ResolvePlan {
  readonly sensor: string;
  readonly key: string;
}

const SEVERITIES = new Set<string>(['info', 'warning', 'critical']);

/** Renders every template of `sensor` for `event`; all missing values are reported at once. */
export function planIncident(
  sensor: Sensor,
  dependency: SensorDependency,
  event: HubEvent,
  options: { forceDryRun: boolean },
): IncidentPlan {
  const problems: PlanProblem[] = [];
  const render = <T>(field: string, produce: () => T, fallback: T): T => {
    try {
      return produce();
    } catch (error) {
      problems.push({ field, message: error instanceof Error ? error.message : String(error) });
      return fallback;
    }
  };
  const text = (field: string, template: Template) => render(field, () => template.render(event), '');
  const { incident, triggers, escalation } = sensor.spec;
  const trigger = triggers[0]!;
  const data = asRecord(event.data);
  const labels = stringMap(data.labels);
  const annotations = stringMap(data.annotations);
  const fields = Object.fromEntries(
    Object.entries(incident.fields).map(([name, template]) => [name, text(`spec.incident.fields.${name}`, template)]),
  );
  const alertname = labels.alertname ?? event.subject;
  const plan: IncidentPlan = {
    sensor: sensor.metadata.name,
    dependency: dependency.name,
    key: text('spec.incident.key', incident.key),
    title: text('spec.incident.title', incident.title),
    summary: incident.text
      ? text('spec.incident.text', incident.text)
      : (annotations.summary ?? annotations.description ?? `${alertname ?? event.type} is firing`),
    severity: incident.severity ?? (SEVERITIES.has(labels.severity ?? '') ? (labels.severity as Severity) : 'warning'),
    route: incident.route,
    fields: { ...(alertname ? { alertname } : {}), ...fields },
    links: linksOf(data, annotations),
    labels,
    cooldownMs: incident.cooldown,
    verifyAfterMs: incident.verifyAfter,
    actionTimeoutMs: incident.actionTimeout,
    escalation,
    action: {
      trigger: trigger.name,
      kind: trigger.action.kind,
      target: text('spec.triggers.0.action.target', trigger.action.target),
      params: render('spec.triggers.0.action.params', () => renderObject(trigger.action.params, event), {}),
      dryRun: options.forceDryRun || trigger.dryRun,
    },
  };
  // Empty values would only be refused further down the flow (the executor and the notifier park
  // events whose data breaks the catalog), leaving the incident waiting: refuse them here.
  const required: [string, string][] = [
    ['spec.incident.key', plan.key],
    ['spec.incident.title', plan.title],
    ['spec.triggers.0.action.target', plan.action.target],
  ];
  for (const [field, value] of required) {
    if (value.trim() === '' && !problems.some((p) => p.field === field)) problems.push({ field, message: 'is empty' });
  }
  if (problems.length > 0) throw new SensorPlanError(sensor.metadata.name, event.id, problems);
  return plan;
}

/** Links people follow from a notification: the alert's source graph, Alertmanager, the runbook. */
function linksOf(data: Record<string, unknown>, annotations: Record<string, string>): Link[] {
  const links: Link[] = [];
  if (typeof data.generatorURL === 'string') links.push({ title: 'Alert source', url: data.generatorURL });
  if (typeof data.externalURL === 'string') links.push({ title: 'Alertmanager', url: data.externalURL });
  if (annotations.runbook_url) links.push({ title: 'Runbook', url: annotations.runbook_url });
  if (annotations.dashboard_url) links.push({ title: 'Dashboard', url: annotations.dashboard_url });
  return links;
}

function renderObject(params: Sensor['spec']['triggers'][number]['action']['params'], event: HubEvent) {
  return renderParams(params, event) as Record<string, ParamValue>;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(asRecord(value)).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}
