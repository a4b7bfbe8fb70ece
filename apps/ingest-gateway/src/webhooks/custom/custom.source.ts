import { createHash } from 'node:crypto';
import { UnsupportedMediaTypeError } from '../../errors/gateway.errors.js';
import { isJsonMediaType, mediaTypeOf } from '../../http/content-types.js';
import { eventIdOf } from '../push/delivery-ids.js';
import { SignatureRejectedError } from '../push/push.errors.js';
import { type PushDelivery, type PushRequest, type PushSource } from '../push/push-source.js';
import { checkTimestamp, equalsAny, headerOf, hmac } from '../push/signatures.js';
import { type WebhookMapping } from '../push/webhook-mapping.js';
import { type WebhookDocument } from '../push/webhook.schema.js';

type CustomSpec = Extract<WebhookDocument, { kind: 'custom' }>['custom'];
type HmacSpec = NonNullable<CustomSpec['auth']['hmac']>;

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * A generic signed webhook (`POST /v1/webhooks/custom/{name}`) from `config/webhooks/*.yaml`:
 * a bearer token, or an HMAC of the raw body (header, algorithm, encoding, prefix, `key=value`
 * lists, and an optional signed timestamp with a tolerance — the Stripe and Slack schemes). The
 * JSON body becomes one event through the document's mapping. The replay key is the mapping's
 * `id`, else the signature itself (a replayed request carries the same one).
 */
export class CustomWebhookSource implements PushSource {
  readonly name: string;

  constructor(
    private readonly spec: CustomSpec,
    private readonly secrets: readonly string[],
    private readonly mapping: WebhookMapping,
    webhook: string,
  ) {
    this.name = `custom.${webhook}`;
  }

  verify(request: PushRequest): void {
    const hmacSpec = this.spec.auth.hmac;
    if (!hmacSpec) {
      const token = BEARER.exec(headerOf(request.headers, 'authorization') ?? '')?.[1];
      if (!token || !equalsAny(token, this.secrets)) {
        throw new SignatureRejectedError('A valid "Authorization: Bearer <token>" of this webhook is required');
      }
      return;
    }
    verifyHmac(hmacSpec, this.secrets, request);
  }

  map(request: PushRequest): readonly PushDelivery[] {
    if (!isJsonMediaType(mediaTypeOf(headerOf(request.headers, 'content-type')))) {
      throw new UnsupportedMediaTypeError('A custom webhook takes a JSON body (Content-Type: application/json)');
    }
    const input = { body: request.body, headers: request.headers };
    const hmacSpec = this.spec.auth.hmac;
    const signature = hmacSpec ? headerOf(request.headers, hmacSpec.header) : undefined;
    const deliveryId = this.mapping.deliveryId(input, signature);
    const id = eventIdOf(this.name, deliveryId ?? createHash('sha256').update(request.rawBody).digest('hex'));
    return [{ deliveryId, events: [this.mapping.event(input, { id })] }];
  }
}

/** Checks an HMAC signature header (and its timestamp) against every secret. */
export function verifyHmac(spec: HmacSpec, secrets: readonly string[], request: PushRequest): void {
  const header = headerOf(request.headers, spec.header);
  const presented = spec.key === undefined ? header : pairsOf(header).get(spec.key);
  if (!presented?.startsWith(spec.prefix)) {
    throw new SignatureRejectedError(`The ${spec.header} signature header is missing or malformed`);
  }
  let timestamp = '';
  if (spec.timestamp) {
    const raw = headerOf(request.headers, spec.timestamp.header);
    const value = spec.timestamp.key === undefined ? raw : pairsOf(raw).get(spec.timestamp.key);
    timestamp = String(checkTimestamp(value, spec.timestamp.toleranceSeconds));
  }
  const template = spec.signedPayload ?? (spec.timestamp ? '{timestamp}.{body}' : '{body}');
  const [before, after] = splitOnce(template.replace('{timestamp}', timestamp), '{body}');
  const payload =
    after === undefined
      ? Buffer.from(before)
      : Buffer.concat([Buffer.from(before), request.rawBody, Buffer.from(after)]);
  const expected = secrets.map((secret) => hmac(spec.algorithm, secret, payload, spec.encoding));
  // Stripe sends one v1= per active secret: any of them may match.
  const candidates = spec.key === undefined ? [presented] : pairsOf(header).getAll(spec.key);
  const valid = candidates.some((c) => c.startsWith(spec.prefix) && equalsAny(c.slice(spec.prefix.length), expected));
  if (!valid) throw new SignatureRejectedError(`The ${spec.header} signature does not match the body`);
}

/** `t=1,v1=abc,v1=def` as a multimap. */
function pairsOf(header: string | undefined) {
  const pairs = (header ?? '').split(',').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? ['', ''] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  });
  return {
    get: (key: string) => pairs.find(([k]) => k === key)?.[1],
    getAll: (key: string) => pairs.filter(([k]) => k === key).map(([, v]) => v ?? ''),
  };
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + separator.length)];
}
