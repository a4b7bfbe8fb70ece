import { sql } from 'kysely';
import { type Database } from '@hub/database';

/**
 * One source's lease in PostgreSQL (`source_leases`): a replica holds it until `expires_at`,
 * renews it well before, and another replica takes it only once it expired. `token` grows with
 * each new holder, so a write fenced by it ({@link LeaseRepository.isHolder}) from a holder that
 * lost the lease fails. Locally the lease counts as lost a safety margin before its expiry, so a
 * holder stops publishing before anyone else can start.
 */
export class LeaseRepository {
  constructor(private readonly db: Database) {}

  /** Takes or renews the lease of `source` for `ttlMs`; answers the fencing token, or undefined when another holds it. */
  async acquire(source: string, holder: string, ttlMs: number): Promise<string | undefined> {
    const { rows } = await sql<{ token: string }>`
      INSERT INTO source_leases (source, holder, token, expires_at)
      VALUES (${source}, ${holder}, 1, now() + ${ttlMs} * interval '1 millisecond')
      ON CONFLICT (source) DO UPDATE SET
        holder = excluded.holder,
        token = CASE WHEN source_leases.holder = excluded.holder AND source_leases.expires_at > now()
                     THEN source_leases.token ELSE source_leases.token + 1 END,
        expires_at = excluded.expires_at,
        acquired_at = CASE WHEN source_leases.holder = excluded.holder AND source_leases.expires_at > now()
                           THEN source_leases.acquired_at ELSE now() END
      WHERE source_leases.holder = excluded.holder OR source_leases.expires_at <= now()
      RETURNING token::text AS token`.execute(this.db);
    return rows[0]?.token;
  }

  /** Gives the lease up (on shutdown), so a standby takes over at once. */
  async release(source: string, holder: string): Promise<void> {
    await this.db.deleteFrom('source_leases').where('source', '=', source).where('holder', '=', holder).execute();
  }

  /** Inside a transaction: whether `holder` still holds `source` with `token` (locks the row against a takeover). */
  async isHolder(trx: Database, source: string, holder: string, token: string): Promise<boolean> {
    const { rows } = await sql<{ ok: number }>`
      SELECT 1 AS ok FROM source_leases
      WHERE source = ${source} AND holder = ${holder} AND token = ${token} AND expires_at > now()
      FOR SHARE`.execute(trx);
    return rows.length > 0;
  }
}

/** A held lease as a source sees it: whether it may still publish, and the fencing token. */
export interface Lease {
  readonly holder: string;
  readonly token: string;
  /** False from the moment the lease may be lost (renewal failed past the safety margin, or taken). */
  readonly held: boolean;
}

/** A lease that a supervisor renews; `held` turns false locally before it can expire in the database. */
export class HeldLease implements Lease {
  private validUntil: number;

  constructor(
    readonly holder: string,
    readonly token: string,
    private readonly ttlMs: number,
  ) {
    this.validUntil = Date.now() + this.safeMs();
  }

  get held(): boolean {
    return Date.now() < this.validUntil;
  }

  /** A renewal succeeded at `startedAt` (taken before the query, so a slow answer never extends it). */
  renewed(startedAt: number): void {
    this.validUntil = startedAt + this.safeMs();
  }

  lost(): void {
    this.validUntil = 0;
  }

  /** Two thirds of the TTL: renewals run every third, so one missed renewal still leaves the lease held. */
  private safeMs(): number {
    return Math.floor((this.ttlMs * 2) / 3);
  }
}
