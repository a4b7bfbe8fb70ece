import { type HubEvent } from '@hub/contracts';
import { formatDuration } from '../../expressions/duration.js';
import { type IncidentPlan } from '../../matching/incident-plan.js';
import { startedAtOf } from '../../matching/event-facts.js';
import { decideOnRepeat } from '../repeat.policy.js';
import { escalate } from './escalate.js';
import { held, isLater, type Machine, triggered, type TriggerResult } from './machine.js';
import { open, openGated } from './open.js';
import { cooldownUntil, remediate, takeRate } from './remediate.js';
import { close } from './resolve.js';

/**
 * A sensor's dependency matched: drop an identical repeat (`dedup`), count a repeat of the open
 * incident, remediate, or escalate — or, with no incident open, pass the noise gates (`aggregate`,
 * `onceWithin`) and open one.
 */
export async function onTriggered(m: Machine, plan: IncidentPlan, event: HubEvent): Promise<TriggerResult> {
  const { incidents, noise } = m.stores;
  await incidents.lockKey(plan.key);
  const { dedup } = plan;
  if (dedup && !(await noise.claim(plan.sensor, 'dedup', dedup.key, plan.eventAt, dedup.withinMs))) {
    return held('duplicate', `duplicate of an event within ${formatDuration(dedup.withinMs)}`);
  }
  const current = await incidents.findOpen(plan.key);
  const startsAt = startedAtOf(event);
  if (!current && startsAt && (await noise.isTombstoned(plan.sensor, plan.key, startsAt, m.now))) {
    // Its resolution was handled first (delivery order is not event order): this instance is over.
    return held('resolved-earlier', `the alert instance that started ${startsAt} was already resolved`);
  }
  if (!current) return openGated(m, { plan, event });
  if (current.sensor === plan.sensor && isLater(startsAt, current.context.startsAt)) {
    // A new instance of the alert (it started after the one this incident tracks): the earlier
    // one ended even if its resolution has not been handled yet — close it, open a new incident.
    const why = 'superseded by a newer instance of the alert';
    const closed = await close(m, { incident: current, eventId: event.id, why });
    return triggered([...closed, ...(await open(m, { plan, event }))]);
  }
  if (current.sensor !== plan.sensor) {
    m.logger.warn({
      msg: 'incident key owned by another sensor',
      key: plan.key,
      owner: current.sensor,
      sensor: plan.sensor,
    });
    return held('owned-elsewhere', `incident ${plan.key} belongs to sensor ${current.sensor}`);
  }
  const incident = await incidents.countFiring(current, m.now);
  const decision = decideOnRepeat(incident, plan, m.now);
  switch (decision.kind) {
    case 'count':
      return held('repeat', `incident ${plan.key} is ${incident.status}; repeat counted`);
    case 'remediate':
      if (!plan.action || (await cooldownUntil(m, plan))) {
        return held('repeat', `incident ${plan.key} is firing; repeat counted`);
      }
      if (!(await takeRate(m, plan.sensor, plan.action))) {
        return held('rate-limited', `trigger ${plan.action.trigger} is at its rate limit`);
      }
      return triggered(await remediate(m, { incident, action: plan.action }));
    case 'escalate':
      return triggered(await escalate(m, { incident, reason: decision.reason, eventId: event.id }));
  }
}
