import { type Database, type TicketRow, type TicketStatus } from '@hub/database';
import { type TicketRef } from '../providers/ticket-provider.js';

/** The incident a request is about: its key (recurs) and id (one occurrence). */
export interface Incident {
  readonly key: string;
  readonly id: string;
}

/**
 * The fingerprint → ticket map of one provider (`tickets`, migration 0010). The map, not the
 * vendor's search, decides the lifecycle: JQL search lags behind writes. Every write commits at
 * once (outside the handler's idempotency transaction), so the claim is durable before the vendor
 * is asked to create the ticket and the key is durable right after.
 */
export class TicketStore {
  constructor(
    private readonly db: Database,
    readonly provider: string,
  ) {}

  /** The claimed or open ticket of the fingerprint. */
  active(fingerprint: string): Promise<TicketRow | undefined> {
    return this.db
      .selectFrom('tickets')
      .selectAll()
      .where('provider', '=', this.provider)
      .where('fingerprint', '=', fingerprint)
      .where('status', 'in', ['creating', 'open'])
      .executeTakeFirst();
  }

  /** The fingerprint's most recently closed ticket. */
  latestClosed(fingerprint: string): Promise<TicketRow | undefined> {
    return this.db
      .selectFrom('tickets')
      .selectAll()
      .where('provider', '=', this.provider)
      .where('fingerprint', '=', fingerprint)
      .where('status', 'in', ['resolved', 'wontfix'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Every key the map knows for the fingerprint (a search hit outside these is a ticket whose answer was lost). */
  async knownKeys(fingerprint: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('tickets')
      .select('ticket_key')
      .where('provider', '=', this.provider)
      .where('fingerprint', '=', fingerprint)
      .where('ticket_key', 'is not', null)
      .execute();
    return new Set(rows.map((r) => r.ticket_key!));
  }

  /** Claims the fingerprint before the create; undefined when another claim or open ticket holds it. */
  claim(fingerprint: string, team: string, incident: Incident, eventId: string): Promise<TicketRow | undefined> {
    return this.db
      .insertInto('tickets')
      .values({
        provider: this.provider,
        fingerprint,
        status: 'creating',
        team,
        incident_key: incident.key,
        incident_id: incident.id,
        last_event_id: eventId,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** Whether a `resolve` of the incident came before any ticket of it (a `preresolved` row). */
  async preresolved(fingerprint: string, incidentId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('tickets')
      .select('id')
      .where('provider', '=', this.provider)
      .where('fingerprint', '=', fingerprint)
      .where('incident_id', '=', incidentId)
      .where('status', '=', 'preresolved')
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Records that the incident resolved before it had a ticket, so its late `open` makes none. Nothing
   * when a row of the incident exists already (its ticket was made and closed, or a repeat resolve).
   */
  async resolvedFirst(fingerprint: string, team: string, incident: Incident, eventId: string): Promise<void> {
    const known = await this.db
      .selectFrom('tickets')
      .select('id')
      .where('provider', '=', this.provider)
      .where('fingerprint', '=', fingerprint)
      .where('incident_id', '=', incident.id)
      .executeTakeFirst();
    if (known) return;
    await this.db
      .insertInto('tickets')
      .values({
        provider: this.provider,
        fingerprint,
        status: 'preresolved',
        team,
        incident_key: incident.key,
        incident_id: incident.id,
        last_event_id: eventId,
        resolved_at: new Date(),
      })
      .execute();
  }

  /** A claim is about to ask the vendor again: its settle time counts from now. */
  async renew(id: string, eventId: string): Promise<void> {
    await this.update(id, { last_event_id: eventId });
  }

  /** The vendor refused the create for sure: nothing was made, free the fingerprint. */
  async release(id: string): Promise<void> {
    await this.db.deleteFrom('tickets').where('id', '=', id).where('status', '=', 'creating').execute();
  }

  async opened(id: string, ref: TicketRef, eventId: string | null): Promise<TicketRow> {
    return this.update(id, {
      status: 'open',
      ticket_key: ref.key,
      display_key: ref.displayKey,
      url: ref.url ?? null,
      last_event_id: eventId,
    });
  }

  async touched(id: string, eventId: string): Promise<void> {
    await this.update(id, { last_event_id: eventId });
  }

  async closed(
    id: string,
    status: Extract<TicketStatus, 'resolved' | 'wontfix' | 'abandoned'>,
    resolution: string | null,
    eventId: string,
  ): Promise<void> {
    await this.update(id, { status, resolution, resolved_at: new Date(), last_event_id: eventId });
  }

  async reopened(id: string, eventId: string): Promise<void> {
    await this.update(id, { status: 'open', resolution: null, resolved_at: null, last_event_id: eventId });
  }

  private update(
    id: string,
    values: Partial<
      Pick<TicketRow, 'status' | 'ticket_key' | 'display_key' | 'url' | 'resolution' | 'last_event_id' | 'resolved_at'>
    >,
  ): Promise<TicketRow> {
    return this.db
      .updateTable('tickets')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
