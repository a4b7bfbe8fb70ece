import { type EventLogPosition } from '@hub/database';

/** PostgreSQL's text of a timestamptz (`2026-12-03 11:30:00.123456+00`), which round-trips to the µs. */
const TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

/** The opaque `cursor` of `GET /v1/events`: where the previous page ended, base64url JSON. */
export function encodeCursor(position: EventLogPosition): string {
  return Buffer.from(JSON.stringify([position.receivedAt, position.source, position.id])).toString('base64url');
}

/** The position a cursor names, or undefined when it is no cursor this gateway wrote. */
export function decodeCursor(cursor: string): EventLogPosition | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'string')) return undefined;
    const [receivedAt, source, id] = value as [string, string, string];
    if (!TIMESTAMPTZ.test(receivedAt)) return undefined;
    return { receivedAt, source, id };
  } catch {
    return undefined;
  }
}
