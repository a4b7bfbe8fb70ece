import { Logger } from '@nestjs/common';
import { type SilenceRow } from '@hub/database';

const TIMEOUT_MS = 5_000;

/**
 * Mirrors the hub's label silences to Alertmanager's v2 API (`ALERTMANAGER_URL`), so the source
 * stops repeating what the hub would drop anyway. Only what Alertmanager can express is mirrored:
 * label matchers over a fixed time range (no CEL, no recurrence, no incident key). The hub's own
 * silence is the one that counts: a mirror that fails is logged, never an error of the request.
 */
export class AlertmanagerSilences {
  private readonly logger = new Logger(AlertmanagerSilences.name);

  constructor(private readonly baseUrl: string | undefined) {}

  /** Alertmanager's silence id, or undefined when not mirrored. */
  async create(row: SilenceRow): Promise<string | undefined> {
    if (!this.baseUrl || !mirrorable(row)) return undefined;
    const body = {
      matchers: row.matchers,
      startsAt: row.starts_at.toISOString(),
      endsAt: row.ends_at!.toISOString(),
      createdBy: row.created_by,
      comment: row.comment || `hub silence ${row.id}`,
    };
    try {
      const response = await fetch(new URL('api/v2/silences', withSlash(this.baseUrl)), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
      return ((await response.json()) as { silenceID?: string }).silenceID;
    } catch (error) {
      this.logger.warn({ msg: 'silence not mirrored to Alertmanager', id: row.id, error: (error as Error).message });
      return undefined;
    }
  }

  async expire(row: SilenceRow): Promise<void> {
    if (!this.baseUrl || !row.alertmanager_id) return;
    try {
      const url = new URL(`api/v2/silence/${encodeURIComponent(row.alertmanager_id)}`, withSlash(this.baseUrl));
      const response = await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      this.logger.warn({ msg: 'Alertmanager silence not expired', id: row.id, error: (error as Error).message });
    }
  }
}

function mirrorable(row: SilenceRow): boolean {
  return row.matchers.length > 0 && !row.expr && !row.recurrence && !row.incident_key && row.ends_at !== null;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
