import { createSign, randomUUID } from 'node:crypto';
import { FakeHttpServer, type RecordedRequest } from './fake-http.server.js';
import { selfSignedCertificate } from './self-signed.js';

/** The kinds of message SNS posts to an HTTPS subscription. */
export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

const SIGNED = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
} as const;

/**
 * AWS SNS over HTTPS on loopback: a self-signed certificate serves both TLS and as the signing
 * certificate at `SigningCertURL`; messages are built and signed the way SNS does (SignatureVersion 1
 * RSA-SHA1, 2 RSA-SHA256, over `name\nvalue\n` of the signed fields), and `SubscribeURL` GETs
 * (subscription confirmations) are recorded.
 */
export class SnsFake {
  readonly server = new FakeHttpServer();
  /** PEM of the certificate: trust it as a CA to reach the fake over https. */
  cert = '';
  private key = '';

  static async start(): Promise<SnsFake> {
    const fake = new SnsFake();
    const { key, cert } = await selfSignedCertificate();
    fake.key = key;
    fake.cert = cert;
    fake.server
      .route('GET', /\.pem$/, () => ({
        status: 200,
        headers: { 'content-type': 'application/x-pem-file' },
        body: cert,
      }))
      .route('GET', /^\/confirm$/, (r) => ({
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body: `<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>${r.query.get('TopicArn') ?? ''}:sub</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`,
      }));
    await fake.server.start({ key, cert });
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  /** Where the fake serves its signing certificate. */
  get signingCertUrl(): string {
    return `${this.url}/SimpleNotificationService-fake.pem`;
  }

  /** A message as SNS posts it, signed; `overrides` replace fields after signing (to forge one). */
  message(
    type: SnsMessageType,
    fields: { TopicArn: string; Message: string; Subject?: string; Timestamp?: string; SubscribeURL?: string },
    { version = '1', overrides = {} }: { version?: '1' | '2'; overrides?: Record<string, unknown> } = {},
  ): Record<string, unknown> {
    const token = randomUUID().replace(/-/g, '');
    const message: Record<string, string | undefined> = {
      Type: type,
      MessageId: randomUUID(),
      Timestamp: new Date().toISOString(),
      SignatureVersion: version,
      SigningCertURL: this.signingCertUrl,
      ...(type === 'Notification'
        ? { UnsubscribeURL: `${this.url}/unsubscribe` }
        : {
            Token: token,
            SubscribeURL: `${this.url}/confirm?Action=ConfirmSubscription&TopicArn=${fields.TopicArn}&Token=${token}`,
          }),
      ...fields,
    };
    const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    signer.update(
      SIGNED[type]
        .filter((f) => message[f] !== undefined)
        .map((f) => `${f}\n${message[f]}\n`)
        .join(''),
    );
    return { ...message, Signature: signer.sign(this.key, 'base64'), ...overrides };
  }

  /** The subscription confirmations the gateway made. */
  confirmations(): RecordedRequest[] {
    return this.server.find('GET', /^\/confirm$/);
  }

  /** How often the signing certificate was fetched. */
  certificateFetches(): number {
    return this.server.find('GET', /\.pem$/).length;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
