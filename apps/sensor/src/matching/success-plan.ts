import { type TeamDirectory } from '@hub/config';
import { type ActionResult } from '@hub/contracts';
import { type ResultNotify } from '../definitions/on-success.schema.js';
import { type Sensor, type Severity } from '../definitions/sensor.schema.js';
import { lookupPath } from '../expressions/event-path.js';
import { type Template } from '../expressions/template.js';
import { type PlanProblem } from './matching.errors.js';

/** One team message made from an action result (`onSuccess.notify`). */
export interface ResultMessage {
  /** The `forEach` entry it was made for (map key or list index); absent without `forEach`. */
  readonly entry?: string;
  readonly team?: string;
  readonly route: string;
  readonly title: string;
  readonly text: string;
  readonly severity: Severity;
  readonly fields: Record<string, string>;
  readonly audience: 'team' | 'stakeholders';
}

/** What a remediation's success does beyond `remediated`, rendered from the result. */
export interface SuccessPlan {
  readonly resolve: boolean;
  readonly messages: readonly ResultMessage[];
  /** Templates the result could not fill (those messages are left out; the rest go). */
  readonly problems: readonly PlanProblem[];
}

/** The incident as `onSuccess` templates see it (`{{ incident.title }}`). */
export interface ResultIncident {
  readonly key: string;
  readonly title: string;
  readonly team?: string;
  readonly fields: Record<string, string>;
}

/**
 * Renders the `onSuccess` of `trigger` (the incident's remediation) in the sensor's current
 * definition for one `action.succeeded`. Undefined when there is none (the sensor or trigger may
 * also have been removed by a hot reload since the action was requested).
 */
export function planSuccess(
  sensor: Sensor | undefined,
  trigger: string | undefined,
  incident: ResultIncident,
  result: ActionResult,
  teams: TeamDirectory | undefined,
): SuccessPlan | undefined {
  const index = sensor?.spec.triggers.findIndex((t) => t.name === trigger) ?? -1;
  const onSuccess = index >= 0 ? sensor?.spec.triggers[index]?.onSuccess : undefined;
  if (!onSuccess) return undefined;
  const scope = { ...result, incident };
  const problems: PlanProblem[] = [];
  const messages = onSuccess.notify
    ? messagesOf(onSuccess.notify, `spec.triggers.${index}.onSuccess.notify`, scope, incident, teams, problems)
    : [];
  return { resolve: onSuccess.resolve, messages, problems };
}

function messagesOf(
  notify: ResultNotify,
  at: string,
  scope: Record<string, unknown>,
  incident: ResultIncident,
  teams: TeamDirectory | undefined,
  problems: PlanProblem[],
): ResultMessage[] {
  if (!notify.forEach) return compact([messageOf(notify, at, scope, undefined, incident, teams, problems)]);
  const found = lookupPath(scope, notify.forEach);
  const list = found.found ? found.value : undefined;
  if (typeof list !== 'object' || list === undefined || list === null) {
    const why = found.found ? 'is not a map or list' : 'is missing';
    problems.push({ field: `${at}.forEach`, message: `${notify.forEach.text} ${why} in the result` });
    return [];
  }
  const entries = Array.isArray(list) ? list.map((value, i) => [String(i), value] as const) : Object.entries(list);
  return compact(
    entries.map(([key, value]) => messageOf(notify, at, { ...scope, key, value }, key, incident, teams, problems)),
  );
}

/**
 * One message, or undefined when a template could not be filled (its problems are collected).
 * The team is the rendered `team`, else the incident's (unless a `route` is named instead); a team
 * that is not in teams.yaml goes to the default team, its name in the title so nobody misreads it.
 */
function messageOf(
  notify: ResultNotify,
  at: string,
  scope: Record<string, unknown>,
  entry: string | undefined,
  incident: ResultIncident,
  teams: TeamDirectory | undefined,
  problems: PlanProblem[],
): ResultMessage | undefined {
  const own: PlanProblem[] = [];
  const render = (field: string, template: Template): string => {
    try {
      return template.render(scope);
    } catch (error) {
      own.push({
        field: `${at}.${field}${entry === undefined ? '' : ` (entry ${entry})`}`,
        message: (error as Error).message,
      });
      return '';
    }
  };
  const named = notify.team ? render('team', notify.team) : notify.route ? undefined : incident.team;
  let title = render('title', notify.title);
  const text = render('text', notify.text);
  const fields = Object.fromEntries(Object.entries(notify.fields).map(([n, t]) => [n, render(`fields.${n}`, t)]));
  if (title.trim() === '' && own.length === 0) own.push({ field: `${at}.title`, message: 'is empty' });
  if (own.length > 0) {
    problems.push(...own);
    return undefined;
  }
  let team = named?.trim() === '' ? undefined : named;
  if (team !== undefined && teams && !teams.has(team)) {
    title = `${title} (team "${team}" is not in teams.yaml)`;
    team = teams.team(team).name;
  }
  return {
    ...(entry !== undefined ? { entry } : {}),
    ...(team !== undefined ? { team } : {}),
    route: notify.route ?? 'default',
    title,
    text,
    severity: notify.severity,
    fields,
    audience: notify.audience,
  };
}

function compact<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}
