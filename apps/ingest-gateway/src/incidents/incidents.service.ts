import { Inject, Injectable } from '@nestjs/common';
import { isHubError, redactSecrets } from '@hub/contracts';
import { IncidentNotFoundError, IncidentsUnavailableError } from './incidents.errors.js';
import { IncidentsDatabase } from './incidents.database.js';
import { type IncidentTimeline, incidentTimeline } from './incident-timeline.js';
import { TimelineRepository } from './timeline.repository.js';

const UNDEFINED_TABLE = '42P01';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Looks an incident up and maps a database that cannot answer to 503, an unknown key to 404. */
@Injectable()
export class IncidentsService {
  private readonly repository: TimelineRepository;

  constructor(@Inject(IncidentsDatabase) database: IncidentsDatabase) {
    this.repository = new TimelineRepository(database.db);
  }

  async timeline(key: string, incidentId?: string): Promise<IncidentTimeline> {
    if (incidentId !== undefined && !UUID.test(incidentId)) {
      throw new IncidentNotFoundError(`No incident ${incidentId} with key "${key}" (incident ids are UUIDs)`, {
        key,
        incidentId,
      });
    }
    let record;
    try {
      record = await this.repository.read(key, incidentId);
    } catch (error) {
      if (isHubError(error)) throw error;
      throw new IncidentsUnavailableError(`The incident database cannot be read now: ${reasonOf(error)}`, { key });
    }
    if (incidentId !== undefined && !record.incident) {
      throw new IncidentNotFoundError(`No incident ${incidentId} with key "${key}"`, { key, incidentId });
    }
    if (!record.incident && record.notifications.length === 0) {
      throw new IncidentNotFoundError(`No incident or notification has the key "${key}"`, { key });
    }
    // Action params, labels and receipts may carry what a sender or a vendor put in: no secret leaves.
    return redactSecrets(incidentTimeline(key, record));
  }
}

function reasonOf(error: unknown): string {
  if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return 'its tables do not exist yet (not migrated)';
  if (error instanceof AggregateError) return error.errors.map((e: unknown) => reasonOf(e)).join('; ');
  return error instanceof Error ? error.message : String(error);
}
