import { verify } from '@octokit/webhooks-methods';
import { UnsupportedMediaTypeError } from '../../errors/gateway.errors.js';
import { JSON_TYPE, mediaTypeOf } from '../../http/content-types.js';
import { PushRequestError, SignatureRejectedError } from '../push/push.errors.js';
import { type PushDelivery, type PushReply, type PushRequest, type PushSource } from '../push/push-source.js';
import { deliveryIdOf } from '../push/delivery-ids.js';
import { headerOf } from '../push/signatures.js';
import { GITHUB_SOURCE, mapGitHubEvent } from './github.mapper.js';

/**
 * GitHub webhooks (`POST /v1/webhooks/github`): `X-Hub-Signature-256` is the HMAC-SHA256 of the raw
 * body, checked with `@octokit/webhooks-methods` (constant time) against every secret of
 * `GITHUB_WEBHOOK_SECRET` (comma-separated, for rotation); `ping` is answered 200.
 */
export class GitHubSource implements PushSource {
  readonly name = GITHUB_SOURCE;

  constructor(private readonly secrets: readonly string[]) {}

  async verify(request: PushRequest): Promise<void> {
    if (this.secrets.length === 0) {
      throw new SignatureRejectedError(
        'GitHub webhooks are not enabled on this gateway (GITHUB_WEBHOOK_SECRET is not set)',
      );
    }
    const signature = headerOf(request.headers, 'x-hub-signature-256');
    if (!signature)
      throw new SignatureRejectedError('X-Hub-Signature-256 is missing: set a secret on the GitHub webhook');
    const payload = request.rawBody.toString('utf8');
    const checks = await Promise.all(
      this.secrets.map((secret) => verify(secret, payload, signature).catch(() => false)),
    );
    if (!checks.includes(true)) {
      throw new SignatureRejectedError('X-Hub-Signature-256 does not match the body under any GITHUB_WEBHOOK_SECRET');
    }
  }

  handshake(request: PushRequest): PushReply | undefined {
    if (headerOf(request.headers, 'x-github-event') !== 'ping') return undefined;
    const hookId = (request.body as { hook_id?: unknown } | undefined)?.hook_id;
    return { status: 200, body: { ok: true, ping: true, hookId } };
  }

  map(request: PushRequest): readonly PushDelivery[] {
    if (mediaTypeOf(headerOf(request.headers, 'content-type')) !== JSON_TYPE) {
      throw new UnsupportedMediaTypeError("Set the GitHub webhook's content type to application/json");
    }
    const kind = headerOf(request.headers, 'x-github-event');
    const deliveryId = deliveryIdOf(headerOf(request.headers, 'x-github-delivery'));
    if (!kind || !deliveryId) throw new PushRequestError('X-GitHub-Event and X-GitHub-Delivery are required');
    return [mapGitHubEvent(kind, deliveryId, request.body)];
  }
}
