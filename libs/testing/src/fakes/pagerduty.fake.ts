import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** One incident of the fake service, by `dedup_key`: its status and every event that reached it. */
export interface FakePagerDutyIncident {
  status: 'triggered' | 'acknowledged' | 'resolved';
  /** Trigger events accepted for it (a repeat trigger on an open incident is deduplicated by PagerDuty). */
  triggers: number;
  events: Record<string, unknown>[];
}

const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);
const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/**
 * A loopback PagerDuty Events API v2 (`POST /v2/enqueue`), validating as PagerDuty does: a 32-character
 * `routing_key`, `event_action`, `dedup_key` (required for acknowledge/resolve), and for a trigger
 * `payload.summary`, `payload.source` and `payload.severity`. Answers `202 {status: "success",
 * dedup_key}` or `400 {status: "invalid event", errors}`. Keeps the incidents by dedup key, so a test
 * sees "paged once, resolved" directly; faults (429, 5xx) come from {@link FakeHttpServer.fault}.
 */
export class FakePagerDuty extends FakeHttpServer {
  readonly incidents = new Map<string, FakePagerDutyIncident>();

  constructor() {
    super();
    this.route('POST', /^\/v2\/enqueue$/, (request) => this.enqueue(request));
  }

  /** Every accepted event, in order. */
  get events(): Record<string, unknown>[] {
    return [...this.incidents.values()].flatMap((i) => i.events);
  }

  private enqueue(request: RecordedRequest): FakeReply {
    const event = request.json as Record<string, unknown> | undefined;
    const errors: string[] = [];
    if (!event || typeof event !== 'object') return invalid(['Event object is invalid']);
    if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32)
      errors.push("'routing_key' must be a 32 character string");
    if (typeof event.event_action !== 'string' || !ACTIONS.has(event.event_action))
      errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
    const dedupKey = typeof event.dedup_key === 'string' ? event.dedup_key : undefined;
    if (dedupKey !== undefined && dedupKey.length > 255) errors.push("'dedup_key' must be at most 255 characters");
    if (event.event_action !== 'trigger' && dedupKey === undefined) errors.push("'dedup_key' is missing");
    if (event.event_action === 'trigger') {
      const payload = event.payload as Record<string, unknown> | undefined;
      if (typeof payload?.summary !== 'string' || payload.summary === '' || payload.summary.length > 1024)
        errors.push("'payload.summary' is missing or longer than 1024 characters");
      if (typeof payload?.source !== 'string' || payload.source === '') errors.push("'payload.source' is missing");
      if (typeof payload?.severity !== 'string' || !SEVERITIES.has(payload.severity))
        errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
    }
    if (errors.length > 0) return invalid(errors);
    const key = dedupKey ?? `fake-${this.incidents.size + 1}`;
    const known = this.incidents.get(key);
    const open = known && known.status !== 'resolved';
    if (event.event_action === 'trigger') {
      if (open)
        known.events.push(event); // deduplicated into the open incident
      else this.incidents.set(key, { status: 'triggered', triggers: 1, events: [event] });
      if (open) known.triggers += 1;
    } else if (open) {
      known.status = event.event_action === 'resolve' ? 'resolved' : 'acknowledged';
      known.events.push(event);
    }
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
  }
}

function invalid(errors: string[]): FakeReply {
  return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
}
