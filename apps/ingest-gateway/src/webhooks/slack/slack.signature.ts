import { SignatureRejectedError } from '../push/push.errors.js';
import { type PushRequest } from '../push/push-source.js';
import { checkTimestamp, equalsAny, headerOf, hmac } from '../push/signatures.js';

/** Slack refuses requests older than five minutes; so does the hub. */
export const SLACK_TOLERANCE_SECONDS = 300;

/**
 * Slack's request signing: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{raw body}">`
 * with the app's signing secret (every secret of `SLACK_SIGNING_SECRET`, for rotation), compared in
 * constant time; a timestamp more than 5 minutes away is a replay.
 */
export class SlackSignature {
  constructor(private readonly secrets: readonly string[]) {}

  verify(request: PushRequest, now = Date.now()): void {
    if (this.secrets.length === 0) {
      throw new SignatureRejectedError(
        'Slack interactivity is not enabled on this gateway (SLACK_SIGNING_SECRET is not set)',
      );
    }
    const signature = headerOf(request.headers, 'x-slack-signature');
    if (!signature) throw new SignatureRejectedError('X-Slack-Signature is missing: not a request from Slack');
    const timestamp = checkTimestamp(
      headerOf(request.headers, 'x-slack-request-timestamp'),
      SLACK_TOLERANCE_SECONDS,
      now,
    );
    const base = Buffer.concat([Buffer.from(`v0:${timestamp}:`), request.rawBody]);
    const expected = this.secrets.map((secret) => `v0=${hmac('sha256', secret, base, 'hex')}`);
    if (!equalsAny(signature, expected)) {
      throw new SignatureRejectedError('X-Slack-Signature does not match the body under any SLACK_SIGNING_SECRET');
    }
  }
}
