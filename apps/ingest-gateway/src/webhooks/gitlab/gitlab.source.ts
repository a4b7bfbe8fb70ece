import { deliveryIdOf } from '../push/delivery-ids.js';
import { PushRequestError, SignatureRejectedError } from '../push/push.errors.js';
import { type PushDelivery, type PushRequest, type PushSource } from '../push/push-source.js';
import { equalsAny, headerOf } from '../push/signatures.js';
import { GITLAB_SOURCE, mapGitLabEvent } from './gitlab.mapper.js';

/**
 * GitLab webhooks (`POST /v1/webhooks/gitlab`): GitLab sends the webhook's secret token as
 * `X-Gitlab-Token`, compared in constant time with every token of `GITLAB_WEBHOOK_TOKEN`
 * (comma-separated, for rotation); `X-Gitlab-Event-UUID` is the replay key.
 */
export class GitLabSource implements PushSource {
  readonly name = GITLAB_SOURCE;

  constructor(private readonly tokens: readonly string[]) {}

  verify(request: PushRequest): void {
    if (this.tokens.length === 0) {
      throw new SignatureRejectedError(
        'GitLab webhooks are not enabled on this gateway (GITLAB_WEBHOOK_TOKEN is not set)',
      );
    }
    const token = headerOf(request.headers, 'x-gitlab-token');
    if (!token || !equalsAny(token, this.tokens)) {
      throw new SignatureRejectedError('X-Gitlab-Token is missing or not one of GITLAB_WEBHOOK_TOKEN');
    }
  }

  map(request: PushRequest): readonly PushDelivery[] {
    const kind = headerOf(request.headers, 'x-gitlab-event');
    const deliveryId = deliveryIdOf(headerOf(request.headers, 'x-gitlab-event-uuid'));
    if (!kind || !deliveryId) throw new PushRequestError('X-Gitlab-Event and X-Gitlab-Event-UUID are required');
    return [mapGitLabEvent(kind, deliveryId, request.body)];
  }
}
