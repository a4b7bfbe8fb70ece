import { type IncomingHttpHeaders } from 'node:http';
import { type HubEvent } from '@hub/contracts';

/** A push source's view of one HTTP request: the bytes that were signed, and what Fastify parsed. */
export interface PushRequest {
  readonly method: string;
  /** The body exactly as received: signatures are computed over these bytes. */
  readonly rawBody: Buffer;
  /** The parsed body (JSON, or text for `text/plain`), undefined when there was none. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly query: Readonly<Record<string, string | undefined>>;
}

/** What a source answers by itself instead of publishing: a ping, a subscription handshake. */
export interface PushReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One delivery of a source, as the vendor numbers them: the events it becomes and, when the vendor
 * gives one, the id it redelivers under (the replay key). `events` may be empty: an event kind the
 * hub does not map is acknowledged without publishing, with `ignored` saying why.
 */
export interface PushDelivery {
  readonly deliveryId?: string;
  readonly events: readonly HubEvent[];
  readonly ignored?: string;
}

/**
 * One push source of the gateway (`webhooks/<source>/`): it authenticates a request by the
 * vendor's signature, may answer a handshake itself, and maps the body to envelopes.
 * `PushIngestService` runs the three steps in that order, then drops deliveries seen within the
 * replay window and publishes the rest with broker confirms.
 */
export interface PushSource {
  /** Recorded as `hubsource` on its events and as the replay store's source: `github`, `sns.orders`, … */
  readonly name: string;
  /** Throws a `SignatureRejectedError` (401) unless the request is the vendor's; runs before anything else. */
  verify(request: PushRequest): Promise<void> | void;
  /** Answers a verified handshake (ping, SubscriptionConfirmation, validation event), or undefined. */
  handshake?(request: PushRequest): Promise<PushReply | undefined> | PushReply | undefined;
  /** The verified body's deliveries; throws a `ValidationError` (422) for a body of the wrong shape. */
  map(request: PushRequest): readonly PushDelivery[];
}
