import { type Database } from '@hub/database';

/** One ticket of an incident, as the ticketing service keeps it (`tickets`, migration 0010). */
export interface TimelineTicket {
  readonly provider: string;
  /** What people see: the JIRA key or the ServiceNow number (null while the create is in flight). */
  readonly key: string | null;
  readonly url: string | null;
  readonly status: string;
  readonly team: string;
  readonly resolution: string | null;
  readonly createdAt: string;
  readonly resolvedAt: string | null;
}

/** The ticket part of a timeline: the incident key's tickets, or why there are none. */
export type TicketSection =
  | { readonly status: 'found'; readonly tickets: TimelineTicket[] }
  | { readonly status: 'none'; readonly reason: string };

/**
 * Reads the tickets of an incident key from the ticketing service's fingerprint → ticket map
 * (`tickets`). A key can have had several tickets over time (a new one after the reopen window);
 * they are listed oldest first.
 */
export class TicketSectionReader {
  async read(db: Database, incidentKey: string): Promise<TicketSection> {
    const rows = await db
      .selectFrom('tickets')
      .select([
        'provider',
        'display_key',
        'ticket_key',
        'url',
        'status',
        'team',
        'resolution',
        'created_at',
        'resolved_at',
      ])
      .where('incident_key', '=', incidentKey)
      .orderBy('created_at')
      .execute();
    if (rows.length === 0) return { status: 'none', reason: 'no ticket was opened for this incident' };
    return {
      status: 'found',
      tickets: rows.map((row) => ({
        provider: row.provider,
        key: row.display_key ?? row.ticket_key,
        url: row.url,
        status: row.status,
        team: row.team,
        resolution: row.resolution,
        createdAt: new Date(row.created_at).toISOString(),
        resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
      })),
    };
  }
}
