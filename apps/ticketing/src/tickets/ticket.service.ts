import { Inject, Injectable, Logger } from '@nestjs/common';
import { type TicketRequested } from '@hub/contracts';
import { PgIdempotencyStore, type TicketRow } from '@hub/database';
import { grafanaTraceUrl, type GrafanaLinkOptions } from '@hub/telemetry';
import { isTicketGone, TicketClaimPendingError, TicketUnavailableError } from '../providers/provider.errors.js';
import { TICKET_PROVIDER, type TicketProvider, type TicketRef } from '../providers/ticket-provider.js';
import { TeamRouting } from './team-routing.js';
import { type TicketContent, ticketContent, type TicketNote, type TicketRoute } from './ticket-content.js';
import { type Incident, TicketStore } from './ticket.store.js';

/** Injection tokens of the service's settings. */
export const TICKETING_OPTIONS = Symbol('ticketing-options');

export interface TicketingOptions {
  readonly reopenWindowMs: number;
  readonly claimSettleMs: number;
  readonly grafana: GrafanaLinkOptions;
}

/** What a request did. `unchanged`: a redelivery of the request last applied to the ticket. */
export type TicketOutcome =
  'created' | 'commented' | 'reopened' | 'resolved' | 'suppressed' | 'ignored' | 'unchanged' | 'duplicate';

export interface TicketMeta {
  readonly eventId: string;
  readonly time: string;
  readonly traceId?: string;
}

interface Work {
  readonly request: TicketRequested;
  readonly meta: TicketMeta;
  readonly content: TicketContent;
  readonly route: TicketRoute;
  readonly traceUrl?: string;
}

/** The idempotency consumer name of the ticketing service (its processed markers). */
export const TICKETING_CONSUMER = 'ticketing';

function incidentOf(request: TicketRequested): Incident {
  return { key: request.incidentKey, id: request.incidentId };
}
const LOCK_NAMESPACE = 'hub.ticketing.fingerprint';

/**
 * Keeps one ticket per fingerprint through the incident's lifecycle: create on the first `open`,
 * comment on repeats, transition to done on `resolve`, reopen when it fires again within the reopen
 * window (never a won't-fix one), else a new ticket.
 *
 * Exactly-once: each request runs in `PgIdempotencyStore.runOnceUnderLock` (event id) under a
 * per-fingerprint session advisory lock, so replicas take a fingerprint one at a time, and no
 * transaction is open while JIRA or ServiceNow is called (the marker is written after the work). Before a create
 * the fingerprint is claimed in `tickets` (committed at once): a redelivery after a crash between the
 * create and the map write finds the claim, and adopts the ticket the vendor's search shows instead of
 * creating a second one. `last_event_id` on the row makes the other effects skip on a redelivery.
 */
@Injectable()
export class TicketService {
  private readonly logger = new Logger(TicketService.name);

  constructor(
    @Inject(TICKET_PROVIDER) private readonly provider: TicketProvider,
    @Inject(TicketStore) private readonly store: TicketStore,
    @Inject(PgIdempotencyStore) private readonly idempotency: PgIdempotencyStore,
    @Inject(TeamRouting) private readonly routing: TeamRouting,
    @Inject(TICKETING_OPTIONS) private readonly options: TicketingOptions,
  ) {}

  async apply(request: TicketRequested, meta: TicketMeta): Promise<{ outcome: TicketOutcome; ticket?: string }> {
    const { route, unknown } = this.routing.route(request.team);
    if (unknown !== undefined) {
      this.logger.warn({ msg: 'unknown team: using the default team', team: unknown, eventId: meta.eventId });
    }
    const traceUrl = grafanaTraceUrl(this.options.grafana, meta.traceId, meta.time);
    const work: Work = { request, meta, route, traceUrl, content: ticketContent(request, meta.traceId, traceUrl) };
    const run = await this.idempotency.runOnceUnderLock(
      TICKETING_CONSUMER,
      meta.eventId,
      [LOCK_NAMESPACE, `${this.provider.name}:${request.fingerprint}`],
      () => (request.operation === 'open' ? this.open(work) : this.resolve(work)),
    );
    return run.duplicate ? { outcome: 'duplicate' } : run.result!;
  }

  private async open(work: Work): Promise<{ outcome: TicketOutcome; ticket?: string }> {
    const { request, meta } = work;
    if (await this.store.preresolved(request.fingerprint, request.incidentId)) {
      this.logger.log({
        msg: 'open after its resolve: no ticket',
        fingerprint: request.fingerprint,
        eventId: meta.eventId,
      });
      return { outcome: 'ignored' };
    }
    const active = await this.settled(await this.store.active(request.fingerprint), work);
    if (active && 'reclaim' in active) return this.create(work, active.reclaim);
    if (active) {
      if (active.last_event_id === meta.eventId) return { outcome: 'unchanged', ticket: active.display_key! };
      try {
        await this.provider.comment(active.ticket_key!, this.note(work, `Fired again (${request.state})`));
      } catch (error) {
        if (!isTicketGone(error)) throw error;
        await this.forget(active, meta.eventId);
        return this.create(work);
      }
      await this.store.touched(active.id, meta.eventId);
      return { outcome: 'commented', ticket: active.display_key! };
    }
    const last = await this.store.latestClosed(request.fingerprint);
    if (last?.ticket_key) {
      if (last.last_event_id === meta.eventId) return { outcome: 'unchanged', ticket: last.display_key! };
      const state = await this.provider.state(last.ticket_key).catch((error: unknown) => {
        if (isTicketGone(error)) return 'gone' as const;
        throw error;
      });
      if (state === 'gone') {
        await this.forget(last, meta.eventId);
        return this.create(work);
      }
      if (state?.wontFix ?? last.status === 'wontfix') {
        const resolution = state?.resolution ?? last.resolution ?? "won't fix";
        await this.provider.comment(
          last.ticket_key,
          this.note(work, `Fired again; not reopened (closed as ${resolution})`),
        );
        await this.store.touched(last.id, meta.eventId);
        return { outcome: 'suppressed', ticket: last.display_key! };
      }
      const age = Date.now() - (last.resolved_at?.getTime() ?? 0);
      if (state?.done === false || age <= this.options.reopenWindowMs) {
        if (state?.done !== false) {
          const ago = Math.round(age / 60_000);
          await this.provider.reopen(
            last.ticket_key,
            this.note(work, `Reopened: fired again ${ago} min after it was resolved`),
          );
        } else {
          await this.provider.comment(last.ticket_key, this.note(work, `Fired again (${request.state})`));
        }
        await this.store.reopened(last.id, meta.eventId);
        return { outcome: 'reopened', ticket: last.display_key! };
      }
    }
    return this.create(work);
  }

  private async resolve(work: Work): Promise<{ outcome: TicketOutcome; ticket?: string }> {
    const { request, meta } = work;
    const active = await this.settled(await this.store.active(request.fingerprint), work);
    if (active === undefined) {
      await this.store.resolvedFirst(request.fingerprint, work.route.team, incidentOf(request), meta.eventId);
      return { outcome: 'ignored' };
    }
    if ('reclaim' in active) return { outcome: 'ignored' };
    if (active.last_event_id === meta.eventId) return { outcome: 'unchanged', ticket: active.display_key! };
    const text = request.reason ?? 'The incident resolved.';
    let closed;
    try {
      closed = await this.provider.resolve(active.ticket_key!, this.note(work, 'Resolved', text));
    } catch (error) {
      if (!isTicketGone(error)) throw error;
      await this.forget(active, meta.eventId);
      return { outcome: 'ignored', ticket: active.display_key! };
    }
    await this.store.closed(
      active.id,
      closed.wontFix ? 'wontfix' : 'resolved',
      closed.resolution ?? null,
      meta.eventId,
    );
    return { outcome: 'resolved', ticket: active.display_key! };
  }

  /** Creates the ticket under a fresh claim (or the stale one `claimId`). */
  private async create(work: Work, claimId?: string): Promise<{ outcome: TicketOutcome; ticket?: string }> {
    const { request, meta } = work;
    let id = claimId;
    if (id === undefined) {
      const claim = await this.store.claim(request.fingerprint, work.route.team, incidentOf(request), meta.eventId);
      if (!claim) throw new TicketClaimPendingError(request.fingerprint, 0); // cannot happen under the lock
      id = claim.id;
    } else {
      await this.store.renew(id, meta.eventId);
    }
    let ref: TicketRef;
    try {
      ref = await this.provider.create(work.content, work.route);
    } catch (error) {
      // A refused create made nothing: free the fingerprint. One that may have been applied keeps the claim.
      if (!(error instanceof TicketUnavailableError && error.maybeApplied)) await this.store.release(id);
      throw error;
    }
    await this.store.opened(id, ref, meta.eventId);
    this.logger.log({
      msg: 'ticket created',
      ticket: ref.displayKey,
      fingerprint: request.fingerprint,
      team: work.route.team,
    });
    return { outcome: 'created', ticket: ref.displayKey };
  }

  /**
   * An open row as is; a claim (`creating`) is settled first: the vendor's ticket with the marker
   * that the map does not know yet is adopted; none found → wait while the vendor's search may still
   * lag, then `reclaim` it for a new create (an `open`) or abandon it (a `resolve`). Undefined when the
   * fingerprint has no active ticket.
   */
  private async settled(row: TicketRow | undefined, work: Work): Promise<TicketRow | { reclaim: string } | undefined> {
    if (!row || row.status !== 'creating') return row;
    const known = await this.store.knownKeys(row.fingerprint);
    const found = (await this.provider.find(work.content.marker)).find((ref) => !known.has(ref.key));
    if (found) {
      this.logger.warn({ msg: 'adopted a ticket whose create was not recorded', ticket: found.displayKey });
      return this.store.opened(row.id, found, row.last_event_id);
    }
    const waitMs = this.options.claimSettleMs - (Date.now() - row.updated_at.getTime());
    if (waitMs > 0) throw new TicketClaimPendingError(row.fingerprint, waitMs);
    if (work.request.operation === 'resolve') {
      await this.store.closed(row.id, 'abandoned', null, work.meta.eventId);
      return undefined;
    }
    return { reclaim: row.id };
  }

  /** The vendor no longer has the ticket (a person deleted it): the map stops using it. */
  private async forget(row: TicketRow, eventId: string): Promise<void> {
    this.logger.warn({ msg: 'ticket deleted at the vendor: forgetting it', ticket: row.display_key });
    await this.store.closed(row.id, 'abandoned', 'deleted', eventId);
  }

  private note(work: Work, heading: string, text?: string): TicketNote {
    const body = text ?? work.request.reason ?? work.request.timeline.at(-1)?.text ?? work.request.description;
    return { heading, ...(body ? { text: body } : {}), traceId: work.meta.traceId, traceUrl: work.traceUrl };
  }
}
