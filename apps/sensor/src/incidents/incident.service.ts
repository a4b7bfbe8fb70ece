import { Logger } from '@nestjs/common';
import { type HubEvent } from '@hub/contracts';
import { type EscalationTimeouts, type IncidentPlan, type ResolvePlan } from '../matching/incident-plan.js';
import { type SensorMetrics } from '../metrics/sensor.metrics.js';
import { type SensorStores } from '../stores/sensor-stores.js';
import { onActionResult, type ResultOf } from './machine/action-result.js';
import { escalateOverdue, escalationStep, type Swept } from './machine/escalate.js';
import { type Machine, type ResolveResult, type TriggerResult } from './machine/machine.js';
import { close, type Closing, resolveOn } from './machine/resolve.js';
import { onTriggered } from './machine/trigger.js';

export type { ResolveResult, TriggerOutcome, TriggerResult } from './machine/machine.js';

/**
 * The incident state machine, one incident key at a time (the caller's work holds the key's lock).
 * Each method applies the state change to the stores (PostgreSQL in the service, memory in a dry
 * run) and returns the events to publish once that work commits. One file per edge, in `machine/`:
 *
 *   (none) ─firing→ firing ─remediate→ remediating ─succeeded→ remediated ─still open after verifyAfter→ escalated
 *                    │  └ cooldown: wait for a repeat   ├─failed→ remediation-failed → escalated
 *                    │                                  └─still open after actionTimeout, no result→ escalated
 *   (the two timeouts are the sweeper's clock, {@link onOverdue}; a repeat that comes first escalates too)
 *   any open state ─resolveOn→ resolved (a later firing opens a new incident)
 *   remediated ─the trigger's `onSuccess.resolve`→ resolved (scheduled runs: no resolveOn event comes)
 *
 *   open.ts (none → firing) · remediate.ts (→ remediating) · action-result.ts (→ remediated |
 *   remediation-failed) · escalate.ts (→ escalated, overdue, chain steps) · resolve.ts (→ resolved) ·
 *   trigger.ts (what a matching event means for the key's open incident)
 */
export class IncidentService {
  private readonly logger = new Logger(IncidentService.name);

  /** `clock` is the time of state changes: the system's, or in a dry run each event's own. */
  constructor(
    private readonly metrics: SensorMetrics,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A sensor's dependency matched: dedup, repeat, remediate, escalate — or open an incident. */
  onTriggered(stores: SensorStores, plan: IncidentPlan, event: HubEvent): Promise<TriggerResult> {
    return onTriggered(this.machine(stores), plan, event);
  }

  /** The sensor's `resolveOn` event: resolve the open incident of the key, if any (else why not). */
  onResolved(stores: SensorStores, plan: ResolvePlan, event: HubEvent): Promise<ResolveResult> {
    return resolveOn(this.machine(stores), { plan, event });
  }

  /** Resolves an open incident and says so (a person's decision, …). */
  close(stores: SensorStores, options: Closing & { readonly now?: Date }): Promise<HubEvent[]> {
    return close(this.machine(stores, options.now), options);
  }

  /** The executor's verdict on a remediation (or on an escalation's diagnostics). */
  onActionResult(stores: SensorStores, options: ResultOf): Promise<HubEvent[]> {
    return onActionResult(this.machine(stores), options);
  }

  /** The sweeper's clock: escalates an incident past `verifyAfter` / `actionTimeout`, once. */
  onOverdue(
    stores: SensorStores,
    options: Swept & { readonly timeouts: EscalationTimeouts; readonly now: Date },
  ): Promise<HubEvent[]> {
    return escalateOverdue(this.machine(stores, options.now), options);
  }

  /** The sweeper's clock: the next step of an escalated incident's chain, when it is due. */
  onEscalationDue(stores: SensorStores, options: Swept & { readonly now: Date }): Promise<HubEvent[]> {
    return escalationStep(this.machine(stores, options.now), options);
  }

  private machine(stores: SensorStores, now = this.clock()): Machine {
    return { stores, now, metrics: this.metrics, logger: this.logger };
  }
}
