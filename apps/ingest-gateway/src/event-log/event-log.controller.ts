import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { type HubEvent, isHubError, redactSecrets } from '@hub/contracts';
import { pageEventLog } from '@hub/database';
import { problemsOf, ValidationError } from '../errors/gateway.errors.js';
import { decodeCursor, encodeCursor } from './event-log.cursor.js';
import { EVENT_LOG_DATABASE, EVENT_LOG_PAGE_BYTES, type EventLogDatabase } from './event-log.database.js';
import { EventLogUnavailableError } from './event-log.errors.js';

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `since`: an ISO time, or a duration back from now (`15m`, `2h`, `7d`). */
const sinceParam = z.string().transform((value, ctx) => {
  const relative = DURATION.exec(value);
  if (relative) return new Date(Date.now() - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an ISO time (2026-11-23T08:00:00Z) or a duration back (15m, 2h, 7d)',
    });
    return z.NEVER;
  }
  return new Date(at);
});

const cursorParam = z.string().transform((value, ctx) => {
  const position = decodeCursor(value);
  if (!position) {
    ctx.addIssue({ code: 'custom', message: 'is not a cursor of this API (pass nextCursor of the previous page)' });
    return z.NEVER;
  }
  return position;
});

const querySchema = z.strictObject({
  type: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  since: sinceParam.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: cursorParam.optional(),
});

/** The answer of `GET /v1/events`: one page, and where the next one starts (null: this was the last). */
export interface EventLogAnswer {
  readonly count: number;
  readonly events: HubEvent[];
  readonly nextCursor: string | null;
}

/**
 * `GET /v1/events?type=&since=&key=&limit=&cursor=`: what the sensor recorded in the event log,
 * newest received first, secrets redacted, a page at most `limit` events and
 * `GATEWAY_READ_MAX_BYTES` of envelopes. A read token (`HUB_READ_TOKENS`), never an ingest token.
 */
@Controller('v1/events')
export class EventLogController {
  constructor(
    @Inject(EVENT_LOG_DATABASE) private readonly db: EventLogDatabase,
    @Inject(EVENT_LOG_PAGE_BYTES) private readonly pageBytes: number,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>): Promise<EventLogAnswer> {
    const parsed = querySchema.safeParse(query);
    if (!parsed.success) {
      throw new ValidationError('Invalid event log query', problemsOf(parsed.error.issues, ['query']));
    }
    const { cursor, limit, ...filters } = parsed.data;
    let page;
    try {
      page = await pageEventLog(this.db.handle(), filters, {
        limit,
        maxBytes: this.pageBytes,
        ...(cursor ? { after: cursor } : {}),
      });
    } catch (error) {
      if (isHubError(error)) throw error;
      throw new EventLogUnavailableError(`The event log cannot be read now: ${reasonOf(error)}`);
    }
    const events = page.events.map((event) => redactSecrets(event));
    return { count: events.length, events, nextCursor: page.next ? encodeCursor(page.next) : null };
  }
}

function reasonOf(error: unknown): string {
  if ((error as { code?: unknown }).code === '42P01') return 'its table does not exist yet (not migrated)';
  if (error instanceof AggregateError) return error.errors.map((e: unknown) => reasonOf(e)).join('; ');
  return error instanceof Error ? error.message : String(error);
}
