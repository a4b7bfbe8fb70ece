import { sql } from 'kysely';
import { type HubEvent, type ProvisioningRequested, type ProvisioningStatus } from '@hub/contracts';
import { type Database, type ProvisioningRequestRow, type ProvisioningStepRow } from '@hub/database';

/**
 * The executor's side of `provisioning_requests` / `provisioning_steps`: the request's status and
 * phase, and one row per step with its attempts, so a plan resumes where it stopped.
 */
export class ProvisioningRepository {
  constructor(private readonly db: Database) {}

  find(id: string): Promise<ProvisioningRequestRow | undefined> {
    return this.db.selectFrom('provisioning_requests').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * The request of a `provisioning.requested` event: the row the gateway made, or (for an event
   * from elsewhere, e.g. `POST /v1/events` or another AMQP publisher) a row made from the event.
   * Undefined when another open request holds the same app and team: this one repeats it.
   */
  async ensure(event: HubEvent<ProvisioningRequested>): Promise<ProvisioningRequestRow | undefined> {
    const found = await this.find(event.id);
    if (found) return found;
    const { data } = event;
    await this.db
      .insertInto('provisioning_requests')
      .values({
        id: event.id,
        source: event.hubsource ?? event.source,
        app_name: data.appName,
        owner_team: data.ownerTeam,
        repository_url: data.repositoryUrl,
        requested_by: data.requestedBy ?? null,
        environment: data.environment ?? null,
        quota: data.quota ? JSON.stringify(data.quota) : null,
        status: 'accepted',
        event: JSON.stringify(event),
        published_at: new Date(),
      })
      .onConflict((c) => c.doNothing())
      .execute();
    return this.find(event.id);
  }

  steps(id: string): Promise<ProvisioningStepRow[]> {
    return this.db
      .selectFrom('provisioning_steps')
      .selectAll()
      .where('request_id', '=', id)
      .orderBy('position')
      .execute();
  }

  /** Starts the plan: the request `running`, one `pending` row per step (kept if they exist). */
  async start(id: string, steps: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('provisioning_steps')
        .values(steps.map((name, position) => ({ request_id: id, name, position, status: 'pending' })))
        .onConflict((c) => c.doNothing())
        .execute();
      await tx
        .updateTable('provisioning_requests')
        .set({ status: 'running', updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
    });
  }

  /** Counts an attempt of a step (or of its compensation) before it is made. */
  async attempt(id: string, name: string, compensation: boolean): Promise<void> {
    await this.db
      .updateTable('provisioning_steps')
      .set(
        compensation
          ? { compensation_attempts: sql<number>`compensation_attempts + 1` }
          : {
              status: 'running',
              attempts: sql<number>`attempts + 1`,
              started_at: sql<Date>`coalesce(started_at, now())`,
            },
      )
      .where('request_id', '=', id)
      .where('name', '=', name)
      .execute();
  }

  async finishStep(
    id: string,
    name: string,
    status: 'succeeded' | 'failed' | 'compensated',
    details: Record<string, unknown>,
    error?: string,
  ): Promise<ProvisioningStepRow> {
    const compensated = status === 'compensated';
    return this.db
      .updateTable('provisioning_steps')
      .set({
        status,
        ...(compensated
          ? {
              compensated_at: sql<Date>`now()`,
              details: sql<string>`details || ${JSON.stringify({ compensation: details })}::jsonb`,
            }
          : { finished_at: sql<Date>`now()`, details: JSON.stringify(details) }),
        ...(error !== undefined ? { error } : {}),
      })
      .where('request_id', '=', id)
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Steps the plan never reached: `skipped`. */
  async skipPending(id: string): Promise<void> {
    await this.db
      .updateTable('provisioning_steps')
      .set({ status: 'skipped' })
      .where('request_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }

  /** A step failed for good: from now on the plan compensates (recorded, so a crash resumes compensating). */
  async beginCompensation(id: string, reason: string): Promise<void> {
    await this.db
      .updateTable('provisioning_requests')
      .set({ phase: 'compensate', reasons: JSON.stringify([reason]), updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  async finish(id: string, status: ProvisioningStatus, reasons?: readonly string[]): Promise<void> {
    await this.db
      .updateTable('provisioning_requests')
      .set({
        status,
        ...(reasons ? { reasons: JSON.stringify(reasons) } : {}),
        updated_at: sql<Date>`now()`,
        finished_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The next update number of a request (its notifications and audit events carry it). */
  async nextSequence(id: string): Promise<number> {
    const row = await this.db
      .updateTable('provisioning_requests')
      .set({ sequence: sql<number>`sequence + 1` })
      .where('id', '=', id)
      .returning('sequence')
      .executeTakeFirstOrThrow();
    return row.sequence;
  }
}
