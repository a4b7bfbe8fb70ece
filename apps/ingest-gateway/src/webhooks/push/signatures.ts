import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureRejectedError } from './push.errors.js';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

/** HMAC of `payload` with `secret`, encoded as the vendor sends it. */
export function hmac(
  algorithm: HmacAlgorithm,
  secret: string,
  payload: Buffer | string,
  encoding: SignatureEncoding,
): string {
  return createHmac(algorithm, secret).update(payload).digest(encoding);
}

/**
 * Whether `presented` equals one of `expected`, in time that depends on neither: the values are
 * compared as SHA-256 digests (equal lengths for `timingSafeEqual`) and every candidate is looked
 * at, so neither the matching prefix nor which secret matched shows in the answer time.
 */
export function equalsAny(presented: string, expected: readonly string[]): boolean {
  const digest = sha256(presented);
  let match = false;
  for (const candidate of expected) match = timingSafeEqual(digest, sha256(candidate)) || match;
  return match;
}

/** Several secrets at once, for rotation: `old-secret,new-secret`. */
export function secretList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Refuses a signed timestamp (Unix seconds) further than `toleranceSeconds` from now, either way:
 * a captured request cannot be replayed after the window (the Stripe / Slack scheme).
 */
export function checkTimestamp(value: string | undefined, toleranceSeconds: number, now = Date.now()): number {
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) {
    throw new SignatureRejectedError('The signature timestamp is missing or not a number of seconds');
  }
  const seconds = Number(value.trim());
  const skew = Math.abs(now / 1000 - seconds);
  if (skew > toleranceSeconds) {
    throw new SignatureRejectedError(
      `The signature timestamp is ${Math.round(skew)} s away from now (tolerance ${toleranceSeconds} s): a stale or replayed request`,
    );
  }
  return seconds;
}

/** One header's value as a string (the first of repeated headers), or undefined. */
export function headerOf(headers: Readonly<Record<string, string | string[] | undefined>>, name: string) {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
