import { validate } from '../../errors/gateway.errors.js';
import { eventIdOf } from '../push/delivery-ids.js';
import { type JwtVerifier } from '../push/jwt-verifier.js';
import { SignatureRejectedError } from '../push/push.errors.js';
import { type PushDelivery, type PushRequest, type PushSource } from '../push/push-source.js';
import { type WebhookMapping } from '../push/webhook-mapping.js';
import { type WebhookDocument } from '../push/webhook.schema.js';
import { pubSubPushSchema } from './pubsub.schema.js';

type PubSubSpec = Extract<WebhookDocument, { kind: 'pubsub' }>['pubsub'];

/**
 * Google Pub/Sub push subscriptions (`POST /v1/webhooks/pubsub/{name}`). The OIDC token Pub/Sub
 * sends (`Authorization: Bearer`) is verified with `jose` against Google's JWKS (configurable),
 * for the subscription's audience, and must be the configured service account's (`email`, verified).
 * `message.data` (base64; JSON or text) is the data, `attributes` are there for the mapping, and the
 * `messageId` is the event id and replay key, so Pub/Sub's redeliveries are taken once.
 */
export class PubSubSource implements PushSource {
  readonly name: string;

  constructor(
    private readonly spec: PubSubSpec,
    private readonly jwt: JwtVerifier,
    private readonly mapping: WebhookMapping,
    webhook: string,
  ) {
    this.name = `pubsub.${webhook}`;
  }

  async verify(request: PushRequest): Promise<void> {
    const claims = await this.jwt.verify(request.headers);
    if (claims.email !== this.spec.serviceAccount || claims.email_verified !== true) {
      throw new SignatureRejectedError(
        `The token is not the push subscription's service account (${this.spec.serviceAccount}, e-mail verified)`,
      );
    }
  }

  map(request: PushRequest): readonly PushDelivery[] {
    const push = validate(pubSubPushSchema, request.body, 'The Pub/Sub push request');
    const attributes = push.message.attributes ?? {};
    const body = decode(push.message.data);
    const input = { body, attributes };
    const deliveryId = this.mapping.deliveryId(input, push.message.messageId) ?? push.message.messageId;
    const event = this.mapping.event(input, {
      id: eventIdOf(this.name, deliveryId),
      subject: attributes.subject,
      time: push.message.publishTime,
      source: push.subscription,
    });
    return [{ deliveryId, events: [event] }];
  }
}

function decode(data: string | undefined): unknown {
  if (data === undefined) return null;
  const text = Buffer.from(data, 'base64').toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
