import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a receiver checks (docs/notifications.md, "Verifying the signature"). */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/**
 * `t=<unix seconds>,v1=<hex>` with `v1` = HMAC-SHA256 of `<t>.<raw body>` under `WEBHOOK_SECRET`
 * (Stripe's scheme): the timestamp is signed with the body, so a receiver that refuses old
 * timestamps (5 minutes) refuses replays too.
 */
export function signPayload(secret: string, body: string, atMs = Date.now()): string {
  const t = Math.floor(atMs / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** What a receiver does (and the fake does): true when `header` signs `body` within `toleranceS` of now. */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  { nowMs = Date.now(), toleranceS = 300 } = {},
): boolean {
  const parts = new Map((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(t) || !given || Math.abs(nowMs / 1000 - t) > toleranceS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
