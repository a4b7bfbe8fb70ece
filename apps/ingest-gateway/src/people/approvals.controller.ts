import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { validate } from '../errors/gateway.errors.js';
import { DecisionAuthority } from './decision-authority.js';
import { DecisionPublisher } from './decision.publisher.js';
import { PeopleDatabase } from './people.database.js';
import { DecisionRefusedError, PeopleNotFoundError } from './people.errors.js';

const decisionSchema = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  /** Who decides: checked against the approvers (a team or a group of teams.yaml). */
  by: z.string().min(1),
  reason: z.string().optional(),
  via: z.enum(['api', 'cli']).default('api'),
});

/**
 * Approval gates (docs/sensors.md): `GET /v1/approvals` lists them (`?state=waiting`), `POST
 * /v1/approvals/{id}` `{decision: approve|deny, by}` decides one — 404 for an unknown id, 403 naming
 * why when `by` is not an approver or it was already decided, else 202 once `decision.made` is on the bus (the sensor
 * applies the first decision only, across replicas).
 */
@Controller('v1/approvals')
export class ApprovalsController {
  constructor(
    @Inject(PeopleDatabase) private readonly database: PeopleDatabase,
    @Inject(DecisionAuthority) private readonly authority: DecisionAuthority,
    @Inject(DecisionPublisher) private readonly decisions: DecisionPublisher,
  ) {}

  @Post(':id')
  @HttpCode(202)
  async decide(
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<{ id: string; decision: string; eventId: string }> {
    const { decision, by, reason, via } = validate(decisionSchema, body, 'The decision');
    const refused = await this.authority.refusal({ decision, id }, [by]);
    if (refused?.missing) throw new PeopleNotFoundError(`No approval has the id ${id}`, { id });
    if (refused) throw new DecisionRefusedError(`Not decided: ${refused.reason}`, { id, by });
    const event = await this.decisions.publish({ decision, approvalId: id, by, via, ...(reason ? { reason } : {}) });
    return { id, decision, eventId: event.id };
  }

  @Get()
  async list(@Query('state') state?: string) {
    let query = this.database.db.selectFrom('approvals').selectAll().orderBy('requested_at', 'desc').limit(200);
    if (state) query = query.where('state', '=', state);
    const rows = await query.execute();
    return {
      approvals: rows.map((r) => ({
        id: r.id,
        state: r.state,
        incidentKey: r.incident_key,
        incidentId: r.incident_id,
        sensor: r.sensor,
        trigger: r.trigger,
        approvers: r.approvers,
        onTimeout: r.on_timeout,
        requestedAt: r.requested_at.toISOString(),
        timeoutAt: r.timeout_at.toISOString(),
        ...(r.decided_at ? { decidedAt: r.decided_at.toISOString(), decidedBy: r.decided_by } : {}),
      })),
    };
  }
}
