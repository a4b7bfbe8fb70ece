import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type DecisionMade, type HubEvent, type IncidentState } from '@hub/contracts';
import { ApprovalService } from '../approvals/approval.service.js';
import { formatDuration } from '../expressions/duration.js';
import { notificationOf } from '../incidents/incident-events.js';
import { IncidentRepository } from '../incidents/incident.repository.js';
import { pgStores } from '../stores/pg-sensor-stores.js';
import { type IncidentService } from '../incidents/incident.service.js';
import { type IncidentRow, type SensorTransaction } from '../incidents/sensor-database.js';
import { silenceValues } from '../silences/silence.js';

/**
 * Applies a person's `decision.made` (the gateway checked who and that they may) to an incident
 * or an approval, in the caller's transaction, and returns what to publish. Each decision leaves
 * an entry in the incident's timeline (`why`: "acknowledged by @alice", with `by` and `via`) and a
 * reply in its thread; the SIEM forwarder has the decision event itself for the audit log.
 * - acknowledge: the escalation chain stops (no further steps page);
 * - silence: a silence of the incident key, for `silenceForMs` or until the incident resolves;
 * - resolve: the incident resolves as if its `resolveOn` event came;
 * - approve / deny: {@link ApprovalService.decide}.
 */
export class DecisionService {
  private readonly logger = new Logger(DecisionService.name);
  private readonly approvals = new ApprovalService();

  constructor(private readonly incidents: IncidentService) {}

  async apply(trx: SensorTransaction, decision: DecisionMade, event: HubEvent, now: Date): Promise<HubEvent[]> {
    if (decision.decision === 'approve' || decision.decision === 'deny') {
      const outcome = decision.decision === 'approve' ? 'approved' : 'denied';
      const decided = await this.approvals.decide(
        trx,
        decision.approvalId!,
        outcome,
        decision.by,
        now,
        decision.reason,
      );
      if (decided.refused) this.logger.warn({ msg: `decision not applied: ${decided.refused}`, eventId: event.id });
      return decided.events;
    }
    const incident = await this.openIncident(trx, decision.incidentId!);
    if (!incident) {
      this.logger.warn({ msg: 'decision on an incident that is not open ignored', eventId: event.id });
      return [];
    }
    const by = `@${decision.by}`;
    const detail = { decision: decision.decision, by: decision.by, via: decision.via, eventId: event.id };
    switch (decision.decision) {
      case 'acknowledge': {
        const { chain: _stopped, ...context } = incident.context;
        return this.note(trx, incident, now, `acknowledged by ${by}`, detail, {
          ...context,
          acknowledgedBy: decision.by,
        });
      }
      case 'silence': {
        const forMs = decision.silenceForMs;
        const spec = {
          matchers: [],
          incidentKey: incident.key,
          ...(forMs ? { duration: forMs } : {}),
          createdBy: decision.by,
          comment: `from ${decision.via}: incident ${incident.id}`,
        };
        const values = silenceValues(randomUUID(), { ...spec, incidentId: incident.id, untilResolved: !forMs }, now);
        await trx.insertInto('silences').values(values).execute();
        const how = forMs
          ? `for ${formatDuration(forMs)} (until ${values.ends_at?.toISOString()})`
          : 'until it resolves';
        return this.note(trx, incident, now, `silenced by ${by} ${how}`, { ...detail, silenceId: values.id });
      }
      case 'resolve':
        return this.incidents.close(pgStores(trx), { incident, now, eventId: event.id, why: `resolved by ${by}` });
    }
  }

  private async openIncident(trx: SensorTransaction, id: string): Promise<IncidentRow | undefined> {
    const found = await trx.selectFrom('incidents').select('key').where('id', '=', id).executeTakeFirst();
    if (!found) return undefined;
    const incidents = new IncidentRepository(trx);
    await incidents.lockKey(found.key);
    const incident = await incidents.lockById(id);
    return incident.resolved_at ? undefined : incident;
  }

  /** The same state, one sequence on: the timeline shows the decision, the thread gets it as a reply. */
  private async note(
    trx: SensorTransaction,
    incident: IncidentRow,
    now: Date,
    text: string,
    detail: Record<string, unknown>,
    context?: IncidentRow['context'],
  ): Promise<HubEvent[]> {
    const reported = detail.decision === 'acknowledge' || detail.decision === 'silence' ? detail.decision : undefined;
    const state = incident.status as IncidentState;
    const noted = await new IncidentRepository(trx).transition(
      incident,
      state,
      now,
      { ...detail, why: text },
      {
        ...(context ? { context } : {}),
      },
    );
    return [
      notificationOf(noted, state, text, {
        severity: 'info',
        mention: false,
        ...(reported ? { decision: reported } : {}),
      }),
    ];
  }
}
