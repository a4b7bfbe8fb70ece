import { Inject, Injectable, Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { createEvent, isHubError, type ProvisioningRequested } from '@hub/contracts';
import { type ProvisioningRequestRow } from '@hub/database';
import { IngestService } from '../ingest/ingest.service.js';
import { type RequestBody } from './request.schema.js';
import { requestStatus, type RequestStatus, statusUrlOf } from './request-status.js';
import { RequestNotFoundError, RequestsUnavailableError } from './requests.errors.js';
import { RequestsDatabase } from './requests.database.js';
import { type RequestFilter, RequestsRepository } from './requests.repository.js';

const UNDEFINED_TABLE = '42P01';

/** What `POST /v1/requests` answers (202), for a new request and for one it repeats alike. */
export interface AcceptedRequest {
  readonly id: string;
  readonly status: string;
  readonly statusUrl: string;
}

/**
 * The intake of S3: records the request (or finds the one it repeats), publishes its
 * `provisioning.requested` with a broker confirm, and only then answers. A request whose publish
 * failed stays recorded unpublished; the client's retry (same key, or same app and team) publishes
 * the same envelope again, so the executor sees one request id whatever happened in between.
 */
@Injectable()
export class RequestsService {
  private readonly logger = new Logger(RequestsService.name);
  private readonly repository: RequestsRepository;

  constructor(
    @Inject(RequestsDatabase) database: RequestsDatabase,
    @Inject(IngestService) private readonly ingest: IngestService,
  ) {
    this.repository = new RequestsRepository(database.db);
  }

  async submit(body: RequestBody, source: string, idempotencyKey?: string): Promise<AcceptedRequest> {
    const id = crypto.randomUUID();
    const data: ProvisioningRequested = body;
    const event = createEvent({
      id,
      type: 'provisioning.requested',
      source: '/hub/ingest-gateway/requests',
      subject: body.appName,
      hubsource: source,
      correlationid: id,
      data,
    });
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    const { row, created } = await this.database(() =>
      this.repository.insertOrFind({ id, source, idempotencyKey, body, traceId, event }),
    );
    if (row.published_at === null) {
      await this.ingest.ingest([row.event as unknown as typeof event]);
      await this.database(() => this.repository.markPublished(row.id));
    }
    this.logger.log({
      msg: created ? 'provisioning request accepted' : 'provisioning request repeated',
      requestId: row.id,
      appName: row.app_name,
      ownerTeam: row.owner_team,
      source,
    });
    return { id: row.id, status: row.status, statusUrl: statusUrlOf(row.id) };
  }

  async status(id: string): Promise<RequestStatus> {
    const row = await this.database(() => this.repository.find(id));
    if (!row) throw new RequestNotFoundError(`No provisioning request has the id "${id}"`, { id });
    return requestStatus(row, await this.database(() => this.repository.steps(id)));
  }

  async list(filter: RequestFilter): Promise<{ requests: RequestStatus[] }> {
    const rows: ProvisioningRequestRow[] = await this.database(() => this.repository.list(filter));
    const requests = await Promise.all(
      rows.map(async (row) => requestStatus(row, await this.database(() => this.repository.steps(row.id)))),
    );
    return { requests };
  }

  private async database<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isHubError(error)) throw error;
      throw new RequestsUnavailableError(`The request database cannot be used now: ${reasonOf(error)}`);
    }
  }
}

function reasonOf(error: unknown): string {
  if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return 'its tables do not exist yet (not migrated)';
  if (error instanceof AggregateError) return error.errors.map((e: unknown) => reasonOf(e)).join('; ');
  return error instanceof Error ? error.message : String(error);
}
