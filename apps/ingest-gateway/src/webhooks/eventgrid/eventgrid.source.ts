import { validate } from '../../errors/gateway.errors.js';
import { eventIdOf } from '../push/delivery-ids.js';
import { type JwtVerifier } from '../push/jwt-verifier.js';
import { SignatureRejectedError } from '../push/push.errors.js';
import { type PushDelivery, type PushReply, type PushRequest, type PushSource } from '../push/push-source.js';
import { equalsAny, headerOf } from '../push/signatures.js';
import { type WebhookMapping } from '../push/webhook-mapping.js';
import { type WebhookDocument } from '../push/webhook.schema.js';
import {
  type EventGridCloudEvent,
  eventGridDeliverySchema,
  type EventGridEvent,
  SUBSCRIPTION_VALIDATION,
} from './eventgrid.schema.js';

type EventGridSpec = Extract<WebhookDocument, { kind: 'eventgrid' }>['eventgrid'];

/**
 * Azure Event Grid webhooks (`/v1/webhooks/eventgrid/{name}`), in the Event Grid or the CloudEvents
 * schema. Authenticated by a shared secret (a query parameter of the endpoint URL or a delivery
 * header) and/or a Microsoft Entra bearer token — every configured check must pass, the handshakes
 * included. Handshakes: a `SubscriptionValidationEvent` is answered with its `validationResponse`;
 * the CloudEvents `OPTIONS` abuse-protection request with `WebHook-Allowed-Origin`. Each event of a
 * batch is one hub event, its Event Grid id the event id and replay key.
 */
export class EventGridSource implements PushSource {
  readonly name: string;

  constructor(
    private readonly spec: EventGridSpec,
    private readonly secrets: readonly string[],
    private readonly jwt: JwtVerifier | undefined,
    private readonly mapping: WebhookMapping,
    webhook: string,
  ) {
    this.name = `eventgrid.${webhook}`;
  }

  async verify(request: PushRequest): Promise<void> {
    const secret = this.spec.secret;
    if (secret) {
      const presented =
        secret.query !== undefined ? request.query[secret.query] : headerOf(request.headers, secret.header ?? '');
      if (!presented || !equalsAny(presented, this.secrets)) {
        throw new SignatureRejectedError(
          `The Event Grid shared secret (${secret.query !== undefined ? `query parameter ${secret.query}` : `header ${secret.header ?? ''}`}) is missing or wrong`,
        );
      }
    }
    if (this.jwt) await this.jwt.verify(request.headers);
  }

  handshake(request: PushRequest): PushReply | undefined {
    if (request.method === 'OPTIONS') {
      const origin = headerOf(request.headers, 'webhook-request-origin');
      if (!origin)
        return { status: 400, body: { error: { code: 'BAD_REQUEST', message: 'WebHook-Request-Origin is required' } } };
      return { status: 200, headers: { 'webhook-allowed-origin': origin, 'webhook-allowed-rate': '*' } };
    }
    const batch = Array.isArray(request.body) ? (request.body as unknown[]) : [];
    const validation = batch.find(
      (e): e is { data?: { validationCode?: unknown } } =>
        typeof e === 'object' && e !== null && (e as { eventType?: unknown }).eventType === SUBSCRIPTION_VALIDATION,
    );
    if (!validation) return undefined;
    const code = validation.data?.validationCode;
    if (typeof code !== 'string' || code === '') {
      return {
        status: 400,
        body: { error: { code: 'BAD_REQUEST', message: 'The validation event has no data.validationCode' } },
      };
    }
    return { status: 200, body: { validationResponse: code } };
  }

  map(request: PushRequest): readonly PushDelivery[] {
    const delivery = validate(eventGridDeliverySchema, request.body, 'The Event Grid delivery');
    const events: (EventGridEvent | EventGridCloudEvent)[] = Array.isArray(delivery) ? delivery : [delivery];
    return events.map((event) => {
      const cloud = 'specversion' in event;
      const deliveryId = this.mapping.deliveryId({ body: event }, event.id) ?? event.id;
      return {
        deliveryId,
        events: [
          this.mapping.event(
            { body: event },
            {
              id: eventIdOf(this.name, deliveryId),
              subject: event.subject,
              time: cloud ? event.time : event.eventTime,
              source: (cloud ? event.source : event.topic) ?? `/azure/eventgrid/${this.name}`,
            },
          ),
        ],
      };
    });
  }
}
