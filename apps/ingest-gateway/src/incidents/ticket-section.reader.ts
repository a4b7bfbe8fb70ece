import { sql } from 'kysely';
import { type Database } from '@hub/database';

/** The ticket part of a timeline: the ticketing service's rows, or why there are none. */
export type TicketSection =
  | { readonly status: 'found'; readonly tickets: Record<string, unknown>[] }
  | { readonly status: 'none'; readonly reason: string }
  | { readonly status: 'unavailable'; readonly reason: string };

const UNDEFINED_COLUMN = '42703';

/**
 * Reads the tickets of an incident from the ticketing service's `tickets` table (apps/ticketing,
 * migrations 0010–0011), which this service does not own: the table may not exist (ticketing not
 * installed → `none`), and its rows are passed through as they are, matched on `incident_key`.
 * This is the one place to adapt when that table's shape differs (`unavailable` says so).
 */
export class TicketSectionReader {
  async read(db: Database, incidentKey: string): Promise<TicketSection> {
    const { rows } = await sql<{ table: string | null }>`SELECT to_regclass('tickets')::text AS table`.execute(db);
    if (!rows[0]?.table) return { status: 'none', reason: 'no tickets table: the ticketing service is not installed' };
    try {
      const tickets = await sql<
        Record<string, unknown>
      >`SELECT * FROM tickets WHERE incident_key = ${incidentKey}`.execute(db);
      return tickets.rows.length > 0
        ? { status: 'found', tickets: tickets.rows }
        : { status: 'none', reason: 'no ticket was opened for this incident' };
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNDEFINED_COLUMN) throw error;
      return { status: 'unavailable', reason: 'the tickets table has no incident_key column' };
    }
  }
}
