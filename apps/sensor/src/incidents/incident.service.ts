import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type ActionResult, type HubEvent, type IncidentState, eventIdentity } from '@hub/contracts';
import { formatDuration } from '../expressions/duration.js';
import {
  type ActionPlan,
  type EscalationTimeouts,
  type IncidentPlan,
  type ResolvePlan,
} from '../matching/incident-plan.js';
import { type SuccessPlan } from '../matching/success-plan.js';
import { type SensorMetrics } from '../metrics/sensor.metrics.js';
import { actionRequestOf, describeAction, notificationOf, ticketOf } from './incident-events.js';
import { decideOnRepeat, overdueReason } from './repeat.policy.js';
import { resultMessageOf } from './result-messages.js';
import { type IncidentStore, type SensorStores } from '../stores/sensor-stores.js';
import { type IncidentRow } from './sensor-database.js';

/**
 * The incident state machine, one incident key at a time (the caller's work holds the key's lock).
 * Each method applies the state change to the stores (PostgreSQL in the service, memory in a dry
 * run) and returns the events to publish once that work commits:
 *
 *   (none) ─firing→ firing ─remediate→ remediating ─succeeded→ remediated ─still open after verifyAfter→ escalated
 *                    │  └ cooldown: wait for a repeat   ├─failed→ remediation-failed → escalated
 *                    │                                  └─still open after actionTimeout, no result→ escalated
 *   (the two timeouts are the sweeper's clock, {@link onOverdue}; a repeat that comes first escalates too)
 *   any open state ─resolveOn→ resolved (a later firing opens a new incident)
 *   remediated ─the trigger's `onSuccess.resolve`→ resolved (scheduled runs: no resolveOn event comes)
 */
export class IncidentService {
  private readonly logger = new Logger(IncidentService.name);
  /** `clock` is the time of state changes: the system's, or in a dry run each event's own. */
  constructor(
    private readonly metrics: SensorMetrics,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * A sensor's dependency matched: drop an identical repeat (`dedup`), count a repeat of the open
   * incident, remediate, or escalate — or, with no incident open, pass the noise gates (`aggregate`,
   * `onceWithin`) and open one.
   */
  async onTriggered(stores: SensorStores, plan: IncidentPlan, event: HubEvent): Promise<TriggerStep> {
    await stores.incidents.lockKey(plan.key);
    const { dedup } = plan;
    if (dedup && !(await stores.noise.claim(plan.sensor, 'dedup', dedup.key, plan.eventAt, dedup.withinMs))) {
      return held('duplicate', `duplicate of an event within ${formatDuration(dedup.withinMs)}`);
    }
    const open = await stores.incidents.findOpen(plan.key);
    const now = this.clock();
    const startsAt = startsAtOf(event);
    if (!open && startsAt && (await stores.noise.isTombstoned(plan.sensor, plan.key, startsAt, now))) {
      // Its resolution was handled first (delivery order is not event order): this instance is over.
      return held('resolved-earlier', `the alert instance that started ${startsAt} was already resolved`);
    }
    if (!open) return this.openGated(stores, plan, event, now);
    if (open.sensor === plan.sensor && isLater(startsAtOf(event), open.context.startsAt)) {
      // A new instance of the alert (it started after the one this incident tracks): the earlier
      // one ended even if its resolution has not been handled yet — close it, open a new incident.
      const closed = await this.close(stores, open, now, event.id, 'superseded by a newer instance of the alert');
      return triggered([...closed, ...(await this.open(stores, plan, event, now))]);
    }
    if (open.sensor !== plan.sensor) {
      this.logger.warn({
        msg: 'incident key owned by another sensor',
        key: plan.key,
        owner: open.sensor,
        sensor: plan.sensor,
      });
      return held('owned-elsewhere', `incident ${plan.key} belongs to sensor ${open.sensor}`);
    }
    const incident = await stores.incidents.countFiring(open, now);
    const decision = decideOnRepeat(incident, plan, now);
    switch (decision.kind) {
      case 'count':
        return held('repeat', `incident ${plan.key} is ${incident.status}; repeat counted`);
      case 'remediate':
        if (!plan.action || (await this.cooldownUntil(stores, plan, now))) {
          return held('repeat', `incident ${plan.key} is firing; repeat counted`);
        }
        if (!(await this.takeRate(stores, plan.sensor, plan.action, now))) {
          return held('rate-limited', `trigger ${plan.action.trigger} is at its rate limit`);
        }
        return triggered(await this.remediate(stores, incident, plan.action, plan.sensor, now));
      case 'escalate':
        return triggered(await this.escalate(stores, incident, decision.reason, now, event.id));
    }
  }

  /** No open incident: open one unless the window is not full yet or one opened within `onceWithin`. */
  private async openGated(stores: SensorStores, plan: IncidentPlan, event: HubEvent, now: Date): Promise<TriggerStep> {
    const { aggregate, onceWithinMs } = plan;
    if (aggregate) {
      const count = await stores.noise.countInWindow(
        plan.sensor,
        plan.key,
        eventIdentity(event),
        plan.eventAt,
        aggregate.withinMs,
      );
      if (count < aggregate.count) {
        return held(
          'aggregating',
          `aggregating: ${count} of ${aggregate.count} within ${formatDuration(aggregate.withinMs)} for ${plan.key}`,
        );
      }
      await stores.noise.resetWindow(plan.sensor, plan.key);
    }
    if (onceWithinMs && !(await stores.noise.claim(plan.sensor, 'once', plan.key, plan.eventAt, onceWithinMs))) {
      return held(
        'once-within',
        `an incident of ${plan.key} opened within ${formatDuration(onceWithinMs)} (onceWithin)`,
      );
    }
    return triggered(await this.open(stores, plan, event, now));
  }

  /** The sensor's `resolveOn` event: resolve the open incident of the key, if any (else why not). */
  async onResolved(stores: SensorStores, plan: ResolvePlan, event: HubEvent): Promise<ResolveStep> {
    await stores.incidents.lockKey(plan.key);
    const open = await stores.incidents.findOpen(plan.key);
    const nothing = `would resolve ${plan.key}, but no incident of it is open`;
    if (!open) {
      // Resolved before its firing was handled: leave a tombstone so the late firing opens nothing.
      const startsAt = startsAtOf(event);
      if (startsAt) await stores.noise.tombstone(plan.sensor, plan.key, startsAt, this.clock(), TOMBSTONE_MS);
      return { events: [], why: nothing };
    }
    if (open.sensor !== plan.sensor)
      return { events: [], why: `incident ${plan.key} belongs to sensor ${open.sensor}` };
    if (isLater(open.context.startsAt, startsAtOf(event))) {
      // Handled late: it resolves an earlier instance of the alert, not the one this incident tracks.
      this.logger.warn({ msg: 'stale resolution ignored', key: plan.key, incidentId: open.id, eventId: event.id });
      return { events: [], why: `a stale resolution of ${plan.key} (an earlier instance of the alert)` };
    }
    return { events: await this.close(stores, open, this.clock(), event.id) };
  }

  /** Resolves an open incident and says so. */
  async close(stores: SensorStores, open: IncidentRow, now: Date, eventId: string, why?: string): Promise<HubEvent[]> {
    const incident = await this.transition(
      stores,
      open,
      'resolved',
      now,
      { eventId, ...(why ? { why } : {}) },
      {
        resolved_at: now,
      },
    );
    const after = formatDuration(now.getTime() - open.opened_at.getTime());
    const text = `resolved after ${after}${open.remediated_at ? ` (remediated by ${describeAction(open.context.action)})` : ''}${why ? ` — ${why}` : ''}`;
    const resolveActions = (open.context.resolveActions ?? []).map((action) =>
      this.requestAction(incident, action, randomUUID()),
    );
    const ticket = open.context.ticket?.opened
      ? [ticketOf(incident, 'resolve', await stores.incidents.timeline(incident.id), text)]
      : [];
    return [
      notificationOf(incident, 'resolved', text, {
        severity: 'info',
        fields: { fireCount: String(incident.fire_count) },
      }),
      ...resolveActions,
      ...ticket,
    ];
  }

  /**
   * The executor's verdict on a remediation: remediated (then the trigger's `onSuccess`: team
   * messages from the result, resolved), or remediation-failed then escalated. `planSuccess`
   * renders the remediation trigger's `onSuccess` for the incident and result.
   */
  async onActionResult(
    stores: SensorStores,
    result: ActionResult,
    succeeded: boolean,
    event: HubEvent,
    planSuccess: (incident: IncidentRow, result: ActionResult) => SuccessPlan | undefined = () => undefined,
  ): Promise<HubEvent[]> {
    const found = await stores.incidents.findByAction(result.actionId);
    if (!found) {
      const escalated = await stores.incidents.findByDiagnostics(result.actionId);
      if (escalated) return this.onDiagnostics(stores, escalated, result, succeeded, event);
      this.logger.warn({ msg: 'result of an unknown action ignored', actionId: result.actionId, eventId: event.id });
      return [];
    }
    await stores.incidents.lockKey(found.key);
    const incident = await stores.incidents.lockById(found.id);
    if (incident.action_id !== result.actionId || incident.status !== 'remediating') {
      this.logger.warn({
        msg: 'late action result ignored',
        actionId: result.actionId,
        incidentId: incident.id,
        status: incident.status,
      });
      return [];
    }
    const now = this.clock();
    const detail = { eventId: event.id, actionId: result.actionId, attempts: result.attempts, reason: result.reason };
    const fields = { attempts: String(result.attempts), durationMs: String(Math.round(result.durationMs)) };
    const what = describeAction(incident.context.action);
    if (succeeded) {
      const remediated = await this.transition(stores, incident, 'remediated', now, detail, { remediated_at: now });
      const notified = notificationOf(remediated, 'remediated', `remediation succeeded: ${what}`, {
        severity: 'info',
        fields,
      });
      return [notified, ...(await this.onSuccess(stores, remediated, planSuccess(remediated, result), now, event))];
    }
    const reason = result.reason ?? 'no reason given';
    const failed = await this.transition(stores, incident, 'remediation-failed', now, detail);
    const failure = notificationOf(failed, 'remediation-failed', `remediation failed: ${what} — ${reason}`, {
      fields: { ...fields, reason },
    });
    const action = incident.context.action;
    const attempt = incident.context.attempt ?? 1;
    if (action && attempt < (action.attempts ?? 1)) {
      // The trigger's retry policy: request the action again (a new action id) before escalating.
      return [failure, ...(await this.remediate(stores, failed, action, failed.sensor, now, attempt + 1))];
    }
    return [failure, ...(await this.escalate(stores, failed, `remediation failed: ${reason}`, now, event.id))];
  }

  /**
   * The result of the escalation's `kubernetes.diagnostics`: its summary (or why it failed) as a
   * reply in the incident's thread, a comment on its ticket, and a timeline entry. Once per action.
   */
  private async onDiagnostics(
    stores: SensorStores,
    found: IncidentRow,
    result: ActionResult,
    succeeded: boolean,
    event: HubEvent,
  ): Promise<HubEvent[]> {
    await stores.incidents.lockKey(found.key);
    const incident = await stores.incidents.lockById(found.id);
    if (await stores.incidents.hasDiagnostics(incident.id, result.actionId)) return [];
    const collected = (result.details as { summary?: unknown } | undefined)?.summary;
    const summary = succeeded
      ? typeof collected === 'string' && collected !== ''
        ? collected
        : 'diagnostics collected'
      : `diagnostics could not be collected: ${result.reason ?? 'no reason given'}`;
    const now = this.clock();
    // The same state, one sequence on: the reply follows the escalation in the thread, the timeline shows it.
    const noted = await stores.incidents.transition(incident, incident.status as IncidentState, now, {
      eventId: event.id,
      actionId: result.actionId,
      why: 'diagnostics',
      reason: summary,
    });
    const reply = notificationOf(noted, noted.status as IncidentState, summary, {
      severity: 'info',
      mention: false,
      fields: { diagnostics: result.actionId },
    });
    if (!noted.context.ticket?.opened) return [reply];
    return [reply, ticketOf(noted, 'open', await stores.incidents.timeline(noted.id), summary)];
  }

  /** The remediation trigger's `onSuccess`: its team messages, then the resolution when it asks for one. */
  private async onSuccess(
    stores: SensorStores,
    incident: IncidentRow,
    plan: SuccessPlan | undefined,
    now: Date,
    event: HubEvent,
  ): Promise<HubEvent[]> {
    if (!plan) return [];
    if (plan.problems.length > 0) {
      // Strict templates, as for events: a message the result cannot fill is left out, not sent half-empty.
      this.logger.error({
        msg: 'onSuccess messages left out: the result lacks values their templates need',
        sensor: incident.sensor,
        incidentId: incident.id,
        eventId: event.id,
        problems: plan.problems,
      });
      this.metrics.matches.inc({ sensor: incident.sensor, outcome: 'template-error' });
    }
    const messages = plan.messages.map((message) => resultMessageOf(incident, event, message));
    return plan.resolve ? [...messages, ...(await this.close(stores, incident, now, event.id))] : messages;
  }

  private async open(stores: SensorStores, plan: IncidentPlan, event: HubEvent, now: Date): Promise<HubEvent[]> {
    const { summary, severity, route, escalation, fields, links, team, resolveActions } = plan;
    const ticket = plan.ticket ? { ...plan.ticket, opened: plan.ticket.when === 'open' } : undefined;
    const incident = await stores.incidents.open(
      {
        id: randomUUID(),
        key: plan.key,
        sensor: plan.sensor,
        title: plan.title,
        labels: plan.labels,
        at: now,
        context: {
          summary,
          severity,
          route,
          escalation,
          fields,
          links,
          team,
          resolveActions,
          ...(ticket ? { ticket } : {}),
          startsAt: startsAtOf(event),
        },
      },
      { eventId: event.id, dependency: plan.dependency },
    );
    this.metrics.transitions.inc({ sensor: plan.sensor, state: 'firing' });
    const heldUntil = await this.cooldownUntil(stores, plan, now);
    const rateLimited = !heldUntil && plan.action && !(await this.takeRate(stores, plan.sensor, plan.action, now));
    const held = heldUntil
      ? ` — remediation held back by the ${formatDuration(plan.cooldownMs)} cooldown of ${plan.key} (until ${heldUntil.toISOString()})`
      : rateLimited
        ? ` — remediation held back: trigger ${plan.action?.trigger} reached its rate limit (${plan.action?.rateLimit?.max} per ${formatDuration(plan.action?.rateLimit?.perMs ?? 0)})`
        : '';
    const firing = notificationOf(incident, 'firing', `${summary}${held}`, { fields: { fireCount: '1' } });
    const opened: HubEvent[] = [firing];
    if (ticket?.opened) {
      opened.push(ticketOf(incident, 'open', await stores.incidents.timeline(incident.id), summary));
    }
    if (!heldUntil && !rateLimited) {
      opened.push(...plan.sideActions.map((action) => this.requestAction(incident, action, randomUUID())));
      if (plan.action) opened.push(...(await this.remediate(stores, incident, plan.action, plan.sensor, now)));
    }
    return opened;
  }

  /** An untracked action (a further `on: open` trigger, an `on: resolve` trigger): requested, counted. */
  private requestAction(incident: IncidentRow, action: ActionPlan, actionId: string): HubEvent {
    this.metrics.triggers.inc({ sensor: incident.sensor, trigger: action.trigger, kind: action.kind });
    return actionRequestOf(incident, actionId, action);
  }

  private async remediate(
    stores: SensorStores,
    incident: IncidentRow,
    action: ActionPlan,
    sensor: string,
    now: Date,
    attempt = 1,
  ): Promise<HubEvent[]> {
    const actionId = randomUUID();
    const context = { ...incident.context, action, attempt };
    const detail = {
      actionId,
      trigger: action.trigger,
      kind: action.kind,
      target: action.target,
      dryRun: action.dryRun,
      attempt,
    };
    const remediating = await this.transition(stores, incident, 'remediating', now, detail, {
      action_id: actionId,
      context,
    });
    this.metrics.triggers.inc({ sensor, trigger: action.trigger, kind: action.kind });
    return [
      actionRequestOf(remediating, actionId, action),
      notificationOf(
        remediating,
        'remediating',
        `remediation started: ${describeAction(action)}${attempt > 1 ? ` (attempt ${attempt} of ${action.attempts})` : ''}`,
      ),
    ];
  }

  /**
   * A remediated incident still open `verifyAfter` after its fix, or a remediation with no result
   * `actionTimeout` after it started (the sweeper calls it: Alertmanager's repeats carry the id of
   * the first notification and are dropped as handled, so no event says so): escalates once — the
   * state is re-checked under the key's lock, so a replica sweeping at once or a later repeat
   * finds it escalated.
   */
  async onOverdue(
    stores: SensorStores,
    key: string,
    id: string,
    timeouts: EscalationTimeouts,
    now: Date,
  ): Promise<HubEvent[]> {
    await stores.incidents.lockKey(key);
    const incident = await stores.incidents.lockById(id);
    const reason = incident.resolved_at ? undefined : overdueReason(incident, timeouts, now);
    return reason ? this.escalate(stores, incident, reason, now) : [];
  }

  /** Escalates to the sensor's `escalation.route`, opens the ticket when it waits for this, starts the chain. */
  private async escalate(
    stores: SensorStores,
    incident: IncidentRow,
    reason: string,
    now: Date,
    eventId?: string,
  ): Promise<HubEvent[]> {
    const { route, severity, steps = [] } = incident.context.escalation;
    const ticket = incident.context.ticket;
    const opensTicket = ticket !== undefined && !ticket.opened;
    const chain = steps[0] ? { next: 0, dueAt: new Date(now.getTime() + steps[0].after).toISOString() } : undefined;
    const diagnostics = incident.context.escalation.diagnostics;
    const diagnosticsActionId = diagnostics && !incident.context.diagnosticsActionId ? randomUUID() : undefined;
    const escalated = await this.transition(
      stores,
      incident,
      'escalated',
      now,
      { ...(eventId ? { eventId } : {}), reason, route },
      {
        escalated_at: now,
        context: {
          ...incident.context,
          ...(opensTicket ? { ticket: { ...ticket, opened: true } } : {}),
          ...(chain ? { chain } : {}),
          ...(diagnosticsActionId ? { diagnosticsActionId } : {}),
        },
      },
    );
    const collect =
      diagnostics && diagnosticsActionId ? [actionRequestOf(escalated, diagnosticsActionId, diagnostics)] : [];
    const text = `escalated to ${route}: ${reason}`;
    const notification = notificationOf(escalated, 'escalated', text, {
      route,
      severity,
      fields: { reason, fireCount: String(escalated.fire_count) },
    });
    if (!opensTicket) return [notification, ...collect];
    const opened = ticketOf(escalated, 'open', await stores.incidents.timeline(escalated.id), reason);
    return [notification, opened, ...collect];
  }

  /**
   * The next step of an escalated incident's chain, when it is due (the sweeper calls it under the
   * key's lock): a louder notification — another route, a page with the on-call mentioned — and/or
   * the ticket. Resolving the incident stops the chain (only open incidents are swept).
   */
  async onEscalationDue(stores: SensorStores, key: string, id: string, now: Date): Promise<HubEvent[]> {
    await stores.incidents.lockKey(key);
    const incident = await stores.incidents.lockById(id);
    const chain = incident.context.chain;
    const step = chain ? incident.context.escalation.steps?.[chain.next] : undefined;
    if (incident.resolved_at || !chain || !step || Date.parse(chain.dueAt) > now.getTime()) return [];
    const steps = incident.context.escalation.steps ?? [];
    const following = steps[chain.next + 1];
    const ticket = incident.context.ticket;
    const opensTicket = step.ticket && ticket !== undefined && !ticket.opened;
    const since = formatDuration(now.getTime() - (incident.escalated_at ?? now).getTime());
    const route = step.route ?? incident.context.escalation.route;
    const reason = step.text ?? `still open ${since} after it escalated`;
    const { chain: _done, ...rest } = incident.context;
    const escalated = await this.transition(
      stores,
      incident,
      'escalated',
      now,
      { step: chain.next + 1, reason, route },
      {
        context: {
          ...rest,
          ...(opensTicket ? { ticket: { ...ticket, opened: true } } : {}),
          ...(following
            ? { chain: { next: chain.next + 1, dueAt: new Date(now.getTime() + following.after).toISOString() } }
            : {}),
        },
      },
    );
    const events: HubEvent[] = [
      notificationOf(escalated, 'escalated', `escalation step ${chain.next + 1} → ${route}: ${reason}`, {
        route,
        severity: step.severity,
        mention: step.mention,
        fields: { reason, escalationStep: String(chain.next + 1) },
      }),
    ];
    if (opensTicket) events.push(ticketOf(escalated, 'open', await stores.incidents.timeline(escalated.id), reason));
    return events;
  }

  /** Takes one request of the trigger's rate limit; false when it is used up. */
  private async takeRate(stores: SensorStores, sensor: string, action: ActionPlan, now: Date): Promise<boolean> {
    if (!action.rateLimit) return true;
    return stores.noise.takeRate(sensor, action.trigger, now, action.rateLimit.max, action.rateLimit.perMs);
  }

  /** The end of the key's cooldown when a remediation of it started less than `cooldown` ago. */
  private async cooldownUntil(stores: SensorStores, plan: IncidentPlan, now: Date): Promise<Date | undefined> {
    if (plan.cooldownMs <= 0) return undefined;
    const last = await stores.incidents.lastRemediationAt(plan.key);
    const until = last ? new Date(last.getTime() + plan.cooldownMs) : undefined;
    return until && until > now ? until : undefined;
  }

  private async transition(
    stores: SensorStores,
    ...args: Parameters<IncidentStore['transition']>
  ): Promise<IncidentRow> {
    const row = await stores.incidents.transition(...args);
    this.metrics.transitions.inc({ sensor: row.sensor, state: row.status });
    return row;
  }
}

/**
 * How long a resolution handled before its firing keeps that alert instance closed. Alertmanager
 * retries a webhook for minutes, and a redelivery through the retry tiers takes as long; a day
 * covers both with room to spare.
 */
const TOMBSTONE_MS = 24 * 60 * 60_000;

/** `data.startsAt` of an alert event (Alertmanager's start of this alert instance), if any. */
function startsAtOf(event: HubEvent): string | undefined {
  const startsAt = (event.data as { startsAt?: unknown } | undefined)?.startsAt;
  return typeof startsAt === 'string' && !Number.isNaN(Date.parse(startsAt)) ? startsAt : undefined;
}

/** True when both times are known and `a` is after `b`. */
function isLater(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && Date.parse(a) > Date.parse(b);
}

/** What a matching event did to its sensor: `triggered` (events to publish), or why it was held. */
export type TriggerOutcome =
  | 'triggered'
  | 'duplicate'
  | 'aggregating'
  | 'once-within'
  | 'repeat'
  | 'rate-limited'
  | 'owned-elsewhere'
  | 'resolved-earlier';

export interface TriggerStep {
  readonly outcome: TriggerOutcome;
  readonly events: HubEvent[];
  /** Why nothing (new) happened, for logs and dry runs. */
  readonly why?: string;
}

/** What a resolution did: the events to publish, or why there are none. */
export interface ResolveStep {
  readonly events: HubEvent[];
  readonly why?: string;
}

function triggered(events: HubEvent[]): TriggerStep {
  return { outcome: 'triggered', events };
}

function held(outcome: Exclude<TriggerOutcome, 'triggered'>, why: string): TriggerStep {
  return { outcome, events: [], why };
}
