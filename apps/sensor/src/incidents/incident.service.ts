import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type ActionResult, type HubEvent } from '@hub/contracts';
import { formatDuration } from '../expressions/duration.js';
import { type ActionPlan, type IncidentPlan, type ResolvePlan } from '../matching/incident-plan.js';
import { type SensorMetrics } from '../metrics/sensor.metrics.js';
import { actionRequestOf, describeAction, notificationOf, ticketOf } from './incident-events.js';
import { IncidentRepository } from './incident.repository.js';
import { NoiseRepository } from './noise.repository.js';
import { decideOnRepeat } from './repeat.policy.js';
import { type IncidentRow, type SensorTransaction } from './sensor-database.js';

/**
 * The incident state machine, one incident key at a time (the caller's transaction holds the key's
 * lock). Each method applies the state change to the database and returns the events to publish
 * once that transaction commits:
 *
 *   (none) ─firing→ firing ─remediate→ remediating ─succeeded→ remediated ─still firing after verifyAfter→ escalated
 *                    │  └ cooldown: wait for a repeat   ├─failed→ remediation-failed → escalated
 *                    │                                  └─still firing after actionTimeout, no result→ escalated
 *   any open state ─resolveOn→ resolved (a later firing opens a new incident)
 */
export class IncidentService {
  private readonly logger = new Logger(IncidentService.name);
  private readonly repository = new IncidentRepository();
  private readonly noise = new NoiseRepository();

  constructor(private readonly metrics: SensorMetrics) {}

  /**
   * A sensor's dependency matched: drop an identical repeat (`dedup`), count a repeat of the open
   * incident, remediate, or escalate — or, with no incident open, pass the noise gates (`aggregate`,
   * `onceWithin`) and open one.
   */
  async onTriggered(trx: SensorTransaction, plan: IncidentPlan, event: HubEvent): Promise<TriggerStep> {
    await this.repository.lockKey(trx, plan.key);
    const { dedup } = plan;
    if (dedup && !(await this.noise.claim(trx, plan.sensor, 'dedup', dedup.key, plan.eventAt, dedup.withinMs))) {
      return held('duplicate', `an identical event arrived within ${formatDuration(dedup.withinMs)}`);
    }
    const open = await this.repository.findOpen(trx, plan.key);
    const now = new Date();
    if (!open) return this.openGated(trx, plan, event, now);
    if (open.sensor === plan.sensor && isLater(startsAtOf(event), open.context.startsAt)) {
      // A new instance of the alert (it started after the one this incident tracks): the earlier
      // one ended even if its resolution has not been handled yet — close it, open a new incident.
      const closed = await this.close(trx, open, now, event.id, 'superseded by a newer instance of the alert');
      return triggered([...closed, ...(await this.open(trx, plan, event, now))]);
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
    const incident = await this.repository.countFiring(trx, open, now);
    const decision = decideOnRepeat(incident, plan, now);
    switch (decision.kind) {
      case 'count':
        return held('repeat', `incident ${plan.key} is ${incident.status}; repeat counted`);
      case 'remediate':
        if (!plan.action || (await this.cooldownUntil(trx, plan, now))) {
          return held('repeat', `incident ${plan.key} is firing; repeat counted`);
        }
        return triggered(await this.remediate(trx, incident, plan.action, plan.sensor, now));
      case 'escalate':
        return triggered(await this.escalate(trx, incident, decision.reason, now, event.id));
    }
  }

  /** No open incident: open one unless the window is not full yet or one opened within `onceWithin`. */
  private async openGated(
    trx: SensorTransaction,
    plan: IncidentPlan,
    event: HubEvent,
    now: Date,
  ): Promise<TriggerStep> {
    const { aggregate, onceWithinMs } = plan;
    if (aggregate) {
      const count = await this.noise.countInWindow(
        trx,
        plan.sensor,
        plan.key,
        event.id,
        plan.eventAt,
        aggregate.withinMs,
      );
      if (count < aggregate.count) {
        return held('aggregating', `${count} of ${aggregate.count} within ${formatDuration(aggregate.withinMs)}`);
      }
      await this.noise.resetWindow(trx, plan.sensor, plan.key);
    }
    if (onceWithinMs && !(await this.noise.claim(trx, plan.sensor, 'once', plan.key, plan.eventAt, onceWithinMs))) {
      return held('once-within', `an incident of ${plan.key} opened within ${formatDuration(onceWithinMs)}`);
    }
    return triggered(await this.open(trx, plan, event, now));
  }

  /** The sensor's `resolveOn` event: resolve the open incident of the key, if any. */
  async onResolved(trx: SensorTransaction, plan: ResolvePlan, event: HubEvent): Promise<HubEvent[]> {
    await this.repository.lockKey(trx, plan.key);
    const open = await this.repository.findOpen(trx, plan.key);
    if (!open || open.sensor !== plan.sensor) return [];
    if (isLater(open.context.startsAt, startsAtOf(event))) {
      // Handled late: it resolves an earlier instance of the alert, not the one this incident tracks.
      this.logger.warn({ msg: 'stale resolution ignored', key: plan.key, incidentId: open.id, eventId: event.id });
      return [];
    }
    return this.close(trx, open, new Date(), event.id);
  }

  /** Resolves an open incident and says so. */
  private async close(
    trx: SensorTransaction,
    open: IncidentRow,
    now: Date,
    eventId: string,
    why?: string,
  ): Promise<HubEvent[]> {
    const incident = await this.transition(
      trx,
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
      ? [ticketOf(incident, 'resolve', await this.repository.timeline(trx, incident.id), text)]
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

  /** The executor's verdict on a remediation: remediated, or remediation-failed then escalated. */
  async onActionResult(
    trx: SensorTransaction,
    result: ActionResult,
    succeeded: boolean,
    event: HubEvent,
  ): Promise<HubEvent[]> {
    const found = await this.repository.findByAction(trx, result.actionId);
    if (!found) {
      this.logger.warn({ msg: 'result of an unknown action ignored', actionId: result.actionId, eventId: event.id });
      return [];
    }
    await this.repository.lockKey(trx, found.key);
    const incident = await this.repository.lockById(trx, found.id);
    if (incident.action_id !== result.actionId || incident.status !== 'remediating') {
      this.logger.warn({
        msg: 'late action result ignored',
        actionId: result.actionId,
        incidentId: incident.id,
        status: incident.status,
      });
      return [];
    }
    const now = new Date();
    const detail = { eventId: event.id, actionId: result.actionId, attempts: result.attempts, reason: result.reason };
    const fields = { attempts: String(result.attempts), durationMs: String(Math.round(result.durationMs)) };
    const what = describeAction(incident.context.action);
    if (succeeded) {
      const remediated = await this.transition(trx, incident, 'remediated', now, detail, { remediated_at: now });
      return [notificationOf(remediated, 'remediated', `remediation succeeded: ${what}`, { severity: 'info', fields })];
    }
    const reason = result.reason ?? 'no reason given';
    const failed = await this.transition(trx, incident, 'remediation-failed', now, detail);
    const failure = notificationOf(failed, 'remediation-failed', `remediation failed: ${what} — ${reason}`, {
      fields: { ...fields, reason },
    });
    return [failure, ...(await this.escalate(trx, failed, `remediation failed: ${reason}`, now, event.id))];
  }

  private async open(trx: SensorTransaction, plan: IncidentPlan, event: HubEvent, now: Date): Promise<HubEvent[]> {
    const { summary, severity, route, escalation, fields, links, team, resolveActions } = plan;
    const ticket = plan.ticket ? { ...plan.ticket, opened: plan.ticket.when === 'open' } : undefined;
    const incident = await this.repository.open(
      trx,
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
    const heldUntil = await this.cooldownUntil(trx, plan, now);
    const held = heldUntil
      ? ` — remediation held back by the ${formatDuration(plan.cooldownMs)} cooldown of ${plan.key} (until ${heldUntil.toISOString()})`
      : '';
    const firing = notificationOf(incident, 'firing', `${summary}${held}`, { fields: { fireCount: '1' } });
    const opened: HubEvent[] = [firing];
    if (ticket?.opened) {
      opened.push(ticketOf(incident, 'open', await this.repository.timeline(trx, incident.id), summary));
    }
    if (!heldUntil) {
      opened.push(...plan.sideActions.map((action) => this.requestAction(incident, action, randomUUID())));
      if (plan.action) opened.push(...(await this.remediate(trx, incident, plan.action, plan.sensor, now)));
    }
    return opened;
  }

  /** An untracked action (a further `on: open` trigger, an `on: resolve` trigger): requested, counted. */
  private requestAction(incident: IncidentRow, action: ActionPlan, actionId: string): HubEvent {
    this.metrics.triggers.inc({ sensor: incident.sensor, trigger: action.trigger, kind: action.kind });
    return actionRequestOf(incident, actionId, action);
  }

  private async remediate(
    trx: SensorTransaction,
    incident: IncidentRow,
    action: ActionPlan,
    sensor: string,
    now: Date,
  ): Promise<HubEvent[]> {
    const actionId = randomUUID();
    const context = { ...incident.context, action };
    const detail = {
      actionId,
      trigger: action.trigger,
      kind: action.kind,
      target: action.target,
      dryRun: action.dryRun,
    };
    const remediating = await this.transition(trx, incident, 'remediating', now, detail, {
      action_id: actionId,
      context,
    });
    this.metrics.triggers.inc({ sensor, trigger: action.trigger, kind: action.kind });
    return [
      actionRequestOf(remediating, actionId, action),
      notificationOf(remediating, 'remediating', `remediation started: ${describeAction(action)}`),
    ];
  }

  private async escalate(
    trx: SensorTransaction,
    incident: IncidentRow,
    reason: string,
    now: Date,
    eventId: string,
  ): Promise<HubEvent[]> {
    const { route, severity } = incident.context.escalation;
    const ticket = incident.context.ticket;
    const opensTicket = ticket !== undefined && !ticket.opened;
    const escalated = await this.transition(
      trx,
      incident,
      'escalated',
      now,
      { eventId, reason, route },
      {
        escalated_at: now,
        ...(opensTicket ? { context: { ...incident.context, ticket: { ...ticket, opened: true } } } : {}),
      },
    );
    const text = `escalated to ${route}: ${reason}`;
    const notification = notificationOf(escalated, 'escalated', text, {
      route,
      severity,
      fields: { reason, fireCount: String(escalated.fire_count) },
    });
    if (!opensTicket) return [notification];
    return [notification, ticketOf(escalated, 'open', await this.repository.timeline(trx, escalated.id), reason)];
  }

  /** The end of the key's cooldown when a remediation of it started less than `cooldown` ago. */
  private async cooldownUntil(trx: SensorTransaction, plan: IncidentPlan, now: Date): Promise<Date | undefined> {
    if (plan.cooldownMs <= 0) return undefined;
    const last = await this.repository.lastRemediationAt(trx, plan.key);
    const until = last ? new Date(last.getTime() + plan.cooldownMs) : undefined;
    return until && until > now ? until : undefined;
  }

  private async transition(...args: Parameters<IncidentRepository['transition']>): Promise<IncidentRow> {
    const row = await this.repository.transition(...args);
    this.metrics.transitions.inc({ sensor: row.sensor, state: row.status });
    return row;
  }
}

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
export type TriggerOutcome = 'triggered' | 'duplicate' | 'aggregating' | 'once-within' | 'repeat' | 'owned-elsewhere';

export interface TriggerStep {
  readonly outcome: TriggerOutcome;
  readonly events: HubEvent[];
  /** Why nothing (new) happened, for logs and dry runs. */
  readonly why?: string;
}

function triggered(events: HubEvent[]): TriggerStep {
  return { outcome: 'triggered', events };
}

function held(outcome: Exclude<TriggerOutcome, 'triggered'>, why: string): TriggerStep {
  return { outcome, events: [], why };
}
