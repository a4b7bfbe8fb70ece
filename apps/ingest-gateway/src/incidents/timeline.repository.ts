import { type Selectable } from 'kysely';
import {
  type ActionRun,
  type Database,
  type HubDatabase,
  type IncidentsTable,
  type NotificationReceipt,
} from '@hub/database';
import { type TicketSection, TicketSectionReader } from './ticket-section.reader.js';

type IncidentRow = Selectable<IncidentsTable>;
type HistoryRow = Selectable<HubDatabase['incident_history']>;

/** Everything the hub recorded about one incident, as rows. */
export interface IncidentRecord {
  readonly incident?: IncidentRow;
  /** The other incidents of the same key (earlier or later openings), newest first. */
  readonly others: Pick<IncidentRow, 'id' | 'status' | 'opened_at' | 'resolved_at'>[];
  readonly history: HistoryRow[];
  readonly actions: ActionRun[];
  readonly notifications: NotificationReceipt[];
  readonly ticket: TicketSection;
}

/**
 * Reads an incident's timeline from the tables its services own: the sensor's `incidents` and
 * `incident_history`, the executor's `action_runs`, the notifier's `notification_receipts`, and the
 * ticketing service's `tickets`. Action runs carry only the incident key, so those of one incident
 * are the runs of its key from its opening until the key's next incident opened.
 */
export class TimelineRepository {
  private readonly tickets = new TicketSectionReader();

  constructor(private readonly db: Database) {}

  /** The incident `incidentId` of `key`, or its newest one; undefined parts when nothing is known. */
  async read(key: string, incidentId?: string): Promise<IncidentRecord> {
    const all = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('key', '=', key)
      .orderBy('opened_at', 'desc')
      .execute();
    const incident = incidentId === undefined ? all[0] : all.find((i) => i.id === incidentId);
    const others = all
      .filter((i) => i !== incident)
      .map(({ id, status, opened_at, resolved_at }) => ({ id, status, opened_at, resolved_at }));
    const next = incident ? all.filter((i) => i.opened_at > incident.opened_at).at(-1) : undefined;
    const [history, actions, notifications, ticket] = await Promise.all([
      incident
        ? this.db
            .selectFrom('incident_history')
            .selectAll()
            .where('incident_id', '=', incident.id)
            .orderBy('id')
            .execute()
        : Promise.resolve([]),
      incident ? this.actionsOf(key, incident.opened_at, next?.opened_at) : Promise.resolve([]),
      this.notificationsOf(key, incident?.id),
      this.tickets.read(this.db, key),
    ]);
    return { ...(incident ? { incident } : {}), others, history, actions, notifications, ticket };
  }

  private actionsOf(key: string, from: Date, until: Date | undefined): Promise<ActionRun[]> {
    let query = this.db
      .selectFrom('action_runs')
      .selectAll()
      .where('incident_key', '=', key)
      .where('started_at', '>=', from);
    if (until) query = query.where('started_at', '<', until);
    return query.orderBy('started_at').execute();
  }

  /** The incident's receipts; without an incident, every receipt of the key (one-off messages). */
  private notificationsOf(key: string, incidentId: string | undefined): Promise<NotificationReceipt[]> {
    let query = this.db.selectFrom('notification_receipts').selectAll().where('incident_key', '=', key);
    if (incidentId) query = query.where('incident_id', '=', incidentId);
    return query.orderBy('id').execute();
  }
}
