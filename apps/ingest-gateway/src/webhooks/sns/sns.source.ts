import { createVerify } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { validate } from '../../errors/gateway.errors.js';
import { httpsGet } from '../push/https-get.js';
import { SignatureRejectedError, VendorUnavailableError } from '../push/push.errors.js';
import { type PushDelivery, type PushReply, type PushRequest, type PushSource } from '../push/push-source.js';
import { eventIdOf } from '../push/delivery-ids.js';
import { type WebhookMapping } from '../push/webhook-mapping.js';
import { type WebhookDocument } from '../push/webhook.schema.js';
import { type SnsCertificates } from './sns-certificates.js';
import { type SnsMessage, snsMessageSchema, snsStringToSign } from './sns.schema.js';

type SnsSpec = Extract<WebhookDocument, { kind: 'sns' }>['sns'];

/**
 * AWS SNS over HTTPS (`POST /v1/webhooks/sns/{name}`). Each message is signed by AWS
 * (SignatureVersion 1: RSA-SHA1, 2: RSA-SHA256) with the certificate at `SigningCertURL`, which is
 * fetched only from an allowed host; the topic must be one of the document's `topicArns` (anyone
 * can have AWS sign messages of their own topic), and the timestamp within the tolerance.
 * SubscriptionConfirmation is confirmed by fetching `SubscribeURL` (same host rule); a
 * Notification's `Message` (JSON or text) is the event's data, its `MessageId` the event id and
 * replay key; EventBridge events over SNS keep their `detail-type` (as the subject).
 */
export class SnsSource implements PushSource {
  readonly name: string;
  private readonly logger = new Logger(SnsSource.name);

  constructor(
    private readonly spec: SnsSpec,
    private readonly certificates: SnsCertificates,
    private readonly mapping: WebhookMapping,
    webhook: string,
    private readonly ca?: string,
  ) {
    this.name = `sns.${webhook}`;
  }

  async verify(request: PushRequest): Promise<void> {
    const message = messageOf(request.body, false);
    if (!this.spec.topicArns.includes(message.TopicArn)) {
      throw new SignatureRejectedError(`Topic ${message.TopicArn} is not one of this webhook's topicArns`);
    }
    const certificate = await this.certificates.certificate(message.SigningCertURL);
    const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    verifier.update(snsStringToSign(message), 'utf8');
    if (!verifier.verify(certificate.publicKey, message.Signature, 'base64')) {
      throw new SignatureRejectedError('The SNS message signature does not verify against its signing certificate');
    }
    const age = Math.abs(Date.now() - Date.parse(message.Timestamp)) / 1000;
    if (age > this.spec.toleranceSeconds) {
      throw new SignatureRejectedError(
        `The SNS message is ${Math.round(age)} s old (tolerance ${this.spec.toleranceSeconds} s)`,
      );
    }
  }

  async handshake(request: PushRequest): Promise<PushReply | undefined> {
    const message = messageOf(request.body, true);
    if (message.Type === 'UnsubscribeConfirmation') {
      this.logger.warn(`${this.name}: unsubscribed from ${message.TopicArn}`);
      return { status: 200, body: { unsubscribed: message.TopicArn } };
    }
    if (message.Type !== 'SubscriptionConfirmation') return undefined;
    if (!this.spec.autoConfirm) {
      this.logger.warn(
        `${this.name}: confirm the subscription to ${message.TopicArn} by hand: ${message.SubscribeURL ?? ''}`,
      );
      return { status: 200, body: { confirmed: false, topicArn: message.TopicArn } };
    }
    const url = this.certificates.allowedUrl(message.SubscribeURL, 'SubscribeURL');
    try {
      await httpsGet(url, { ca: this.ca });
    } catch (error) {
      throw new VendorUnavailableError(`Confirming the subscription failed: ${(error as Error).message}`);
    }
    this.logger.log(`${this.name}: subscription to ${message.TopicArn} confirmed`);
    return { status: 200, body: { confirmed: true, topicArn: message.TopicArn } };
  }

  map(request: PushRequest): readonly PushDelivery[] {
    const message = messageOf(request.body, true);
    const body = parsed(message.Message);
    const eventBridge = isEventBridge(body) ? body['detail-type'] : undefined;
    const attributes = Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]),
    );
    const input = { body, attributes };
    const deliveryId = this.mapping.deliveryId(input, message.MessageId) ?? message.MessageId;
    const event = this.mapping.event(input, {
      id: eventIdOf(this.name, deliveryId),
      subject: eventBridge ?? message.Subject,
      time: new Date(message.Timestamp).toISOString(),
      source: message.TopicArn,
    });
    return [{ deliveryId, events: [event] }];
  }
}

/** The SNS envelope of a request; before verification a body that is no SNS message is unsigned (401). */
function messageOf(body: unknown, verified: boolean): SnsMessage {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      value = undefined;
    }
  }
  if (!verified && !snsMessageSchema.safeParse(value).success) {
    throw new SignatureRejectedError(
      'The body is not a signed SNS message (Type, MessageId, TopicArn, Signature, SigningCertURL, …)',
    );
  }
  return validate(snsMessageSchema, value, 'The SNS message');
}

function parsed(message: string): unknown {
  try {
    const value: unknown = JSON.parse(message);
    return typeof value === 'object' && value !== null ? value : message;
  } catch {
    return message;
  }
}

function isEventBridge(body: unknown): body is { 'detail-type': string } {
  const value = body as Record<string, unknown> | null;
  return typeof value === 'object' && value !== null && typeof value['detail-type'] === 'string' && 'detail' in value;
}
