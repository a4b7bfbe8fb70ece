import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { type HubEvent } from '@hub/contracts';
import { queryEventLog } from '@hub/database';
import { problemsOf, ValidationError } from '../errors/gateway.errors.js';
import { EVENT_LOG_DATABASE, type EventLogDatabase } from './event-log.database.js';

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

const querySchema = z.strictObject({
  type: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  since: sinceParam.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * `GET /v1/events?type=&since=&key=&limit=`: what the sensor recorded in the event log, oldest
 * first — authenticated like every `/v1/` route (an ingest token).
 */
@Controller('v1/events')
export class EventLogController {
  constructor(@Inject(EVENT_LOG_DATABASE) private readonly db: EventLogDatabase) {}

  @Get()
  async list(@Query() query: Record<string, unknown>): Promise<{ count: number; events: HubEvent[] }> {
    const parsed = querySchema.safeParse(query);
    if (!parsed.success) {
      throw new ValidationError('Invalid event log query', problemsOf(parsed.error.issues, ['query']));
    }
    const events = await queryEventLog(this.db.handle(), parsed.data);
    return { count: events.length, events };
  }
}
