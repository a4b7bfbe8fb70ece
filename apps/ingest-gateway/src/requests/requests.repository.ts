import { sql } from 'kysely';
import { type HubEvent } from '@hub/contracts';
import { type Database, type ProvisioningRequestRow, type ProvisioningStepRow } from '@hub/database';
import { type RequestBody } from './request.schema.js';

/** Statuses of a request that still holds its app name for its team (the open dedup of the intake). */
const OPEN = ['accepted', 'running'] as const;

/** What the intake records for a new request. */
export interface NewRequest {
  readonly id: string;
  readonly source: string;
  readonly idempotencyKey?: string;
  readonly body: RequestBody;
  readonly traceId?: string;
  readonly event: HubEvent;
}

/** Filters of the request list (`GET /v1/requests`). */
export interface RequestFilter {
  readonly status?: string;
  readonly team?: string;
  readonly limit: number;
}

/** The `provisioning_requests` and `provisioning_steps` rows the gateway writes and reads. */
export class RequestsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Inserts the request, or answers the one it repeats: the same `Idempotency-Key` from the same
   * source, or an open request for the same app and team. The partial unique indexes decide, so
   * two gateways taking the same request at once still make one row.
   */
  async insertOrFind(request: NewRequest): Promise<{ row: ProvisioningRequestRow; created: boolean }> {
    for (let round = 0; round < 3; round++) {
      const inserted = await this.db
        .insertInto('provisioning_requests')
        .values({
          id: request.id,
          source: request.source,
          idempotency_key: request.idempotencyKey ?? null,
          app_name: request.body.appName,
          owner_team: request.body.ownerTeam,
          repository_url: request.body.repositoryUrl,
          requested_by: request.body.requestedBy ?? null,
          environment: request.body.environment ?? null,
          quota: request.body.quota ? JSON.stringify(request.body.quota) : null,
          status: 'accepted',
          trace_id: request.traceId ?? null,
          event: JSON.stringify(request.event),
        })
        .onConflict((c) => c.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { row: inserted, created: true };
      const existing = await this.findRepeated(request);
      if (existing) return { row: existing, created: false };
      // The conflicting request closed between the insert and the look-up: try again.
    }
    throw new Error(`request for ${request.body.appName} of ${request.body.ownerTeam} conflicts and cannot be found`);
  }

  async markPublished(id: string): Promise<void> {
    await this.db
      .updateTable('provisioning_requests')
      .set({ published_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('published_at', 'is', null)
      .execute();
  }

  find(id: string): Promise<ProvisioningRequestRow | undefined> {
    return this.db.selectFrom('provisioning_requests').selectAll().where('id', '=', id).executeTakeFirst();
  }

  steps(id: string): Promise<ProvisioningStepRow[]> {
    return this.db
      .selectFrom('provisioning_steps')
      .selectAll()
      .where('request_id', '=', id)
      .orderBy('position')
      .execute();
  }

  list(filter: RequestFilter): Promise<ProvisioningRequestRow[]> {
    let query = this.db.selectFrom('provisioning_requests').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.team) query = query.where('owner_team', '=', filter.team);
    return query.orderBy('created_at', 'desc').limit(filter.limit).execute();
  }

  private findRepeated(request: NewRequest): Promise<ProvisioningRequestRow | undefined> {
    return this.db
      .selectFrom('provisioning_requests')
      .selectAll()
      .where((eb) =>
        eb.or([
          ...(request.idempotencyKey
            ? [eb.and([eb('source', '=', request.source), eb('idempotency_key', '=', request.idempotencyKey)])]
            : []),
          eb.and([
            eb('app_name', '=', request.body.appName),
            eb('owner_team', '=', request.body.ownerTeam),
            eb('status', 'in', OPEN),
          ]),
        ]),
      )
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}
