import { nameBasedUuid } from '@hub/contracts';

const PLAIN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PUSH_NAMESPACE = '6f2a4c1e9b7d4e0f8a3b5c6d7e8f9a0b';

/**
 * The event id of a vendor's delivery: the vendor's own id (GitHub's delivery GUID, an SNS
 * `MessageId`, a Pub/Sub `messageId`) when it is a plain token, else a name-based UUID of it — the
 * same on every redelivery, so consumers that are idempotent on the id take it once even if two
 * replicas publish a redelivery at the same moment. `part` tells apart events of one delivery.
 */
export function eventIdOf(source: string, deliveryId: string, part?: string): string {
  const name = part === undefined ? deliveryId : `${deliveryId}.${part}`;
  return PLAIN_ID.test(name) ? name : nameBasedUuid(PUSH_NAMESPACE, `${source}\n${name}`);
}

/** A delivery id a vendor sent in a header: refused (undefined) when empty or unreasonably long. */
export function deliveryIdOf(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed && trimmed.length <= 256 ? trimmed : undefined;
}
