import { type Database } from '@hub/database';
import { type Destination, type Notification } from '../notification.js';
import { type ReceiptFacts, type ReceiptStore } from '../receipts/receipt.store.js';
import { ChannelHeldError } from './channel.errors.js';
import { type DeliveryOutcome } from './channel.js';
import { claimEvents, releaseClaims } from './event-claims.js';
import { VendorUnreachableError } from './vendor-http.js';

/** What the vendor call answered, for its receipt. */
export interface SentFacts {
  readonly httpStatus?: number;
  readonly detail?: Record<string, unknown>;
}

/**
 * One vendor call per `(step, event id)`, with no transaction open while the vendor is called (the
 * Teams pattern): one statement claims the event (`claim:<step>`), the call runs, and a second one
 * marks it sent (`<step>`) with its receipt. A redelivery after success sends nothing; a claim
 * without the sent mark is an earlier try that may still be in flight while younger than
 * `claimLeaseMs` (the delivery waits in a retry tier), after that it died and the call is made again
 * — the vendor's own key (PagerDuty's `dedup_key`, Opsgenie's alias, the webhook's idempotency key)
 * absorbs that repeat. An answered failure frees the claim, so the retry calls at once.
 */
export async function sendOnce(
  parts: { db: Database; receipts: ReceiptStore; claimLeaseMs: number },
  step: string,
  n: Notification,
  destination: Destination,
  facts: Omit<ReceiptFacts, 'httpStatus' | 'detail'>,
  send: () => Promise<SentFacts>,
): Promise<DeliveryOutcome> {
  const { db, receipts, claimLeaseMs } = parts;
  const { unsent, earlier } = await claimEvents(db, step, [n.eventId]);
  if (unsent.length === 0) return 'duplicate';
  const claimedAt = earlier.get(n.eventId);
  if (claimedAt && Date.now() - claimedAt.getTime() < claimLeaseMs) {
    throw new ChannelHeldError(facts.channel, `an earlier try of ${n.eventId} may still be sending`, claimLeaseMs);
  }
  let answer: SentFacts;
  try {
    answer = await send();
  } catch (error) {
    if (!(error instanceof VendorUnreachableError)) await releaseClaims(db, step, [n.eventId]);
    throw error;
  }
  await receipts.record(db, [receipts.rowOf(n, destination, { ...facts, ...answer })], {
    mark: { step, eventIds: [n.eventId] },
  });
  return 'delivered';
}
