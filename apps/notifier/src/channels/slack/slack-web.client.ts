import { Logger } from '@nestjs/common';
import {
  type ChatPostMessageArguments,
  type Logger as SlackLogger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { VendorCircuitOpenError, type VendorFailureVerdict, VendorRetryPolicy } from '@hub/contracts';
import { VendorHttp } from '../vendor-http.js';
import { slackApiBase } from './slack.config.js';
import {
  type ChannelError,
  ChannelRateLimitedError,
  ChannelRejectedError,
  ChannelUnavailableError,
} from '../channel.errors.js';
import { POST_METADATA_TYPE, SlackPostReconciler } from './slack-post-reconciler.js';
import { type SlackApi, type SlackPostRequest, type SlackUpdateRequest } from './slack.channel.js';

export interface SlackWebClientOptions {
  token: string;
  /** `SLACK_API_URL`: the Slack host (`https://slack.com`) or a loopback fake. */
  apiUrl: string;
  timeoutMs: number;
  /**
   * Retries of network errors and 5xx by the client itself (short backoff), before the retry tiers:
   * for `chat.update` (an edit again is harmless) and look-ups, never for `chat.postMessage`.
   */
  retries: number;
  /** A 429 with a Retry-After up to this is waited out here; a longer one goes to the retry tiers. */
  maxRateLimitWaitMs: number;
  /** Slack's keep-alive connections, shared by every call (default: a pool of this client's own). */
  http?: VendorHttp;
}

/** Slack platform errors that are worth another try; every other `ok:false` is final. */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * The real `@slack/web-api` client. Rate limits are turned into our own decision
 * (`rejectRateLimitedCalls`) rather than left to the client, whose handling pauses its whole request
 * queue for every incident, waits as long as Slack asks (the incident's lock held meanwhile), and
 * resumes queued calls outside their handler's trace context. Here a short Retry-After is waited out
 * in the handler (at most `maxRateLimitWaitMs`, a few times), a long one becomes
 * {@link ChannelRateLimitedError} so the delivery goes to the transport's retry tier that fits.
 *
 * `chat.postMessage` is not idempotent, so it is never retried by the client: once the request may
 * have reached Slack (a timeout, a dropped connection, a 5xx), the post is "uncertain", and before it
 * is tried again — at once, or on the redelivery — the {@link SlackPostReconciler} looks for it in
 * the channel by the key it carries in message metadata, and returns the existing message if found.
 */
export class SlackWebClient implements SlackApi {
  readonly kind = 'slack';
  private readonly client: WebClient;
  /** The same client without automatic retries, for the one call that must not run twice. */
  private readonly poster: WebClient;
  private readonly reconciler: SlackPostReconciler;
  private readonly logger = new Logger(SlackWebClient.name);
  /** Rate-limit waits and the circuit; inline retries of 5xx stay the client's own (`retryConfig`). */
  private readonly policy: VendorRetryPolicy;

  constructor(private readonly options: SlackWebClientOptions) {
    this.policy = new VendorRetryPolicy({
      vendor: 'slack',
      maxRateLimitWaitMs: options.maxRateLimitWaitMs,
      classify: slackVerdict,
      onRetry: ({ delayMs }) =>
        this.logger.warn({ msg: 'Slack rate limit: waiting before retrying', retryAfterMs: delayMs }),
    });
    const http = options.http ?? new VendorHttp('slack');
    const { fetch } = http;
    this.client = new WebClient(options.token, {
      fetch,
      slackApiUrl: slackApiBase(options.apiUrl),
      timeout: options.timeoutMs,
      retryConfig: { retries: options.retries, factor: 2, minTimeout: 250, maxTimeout: 2_000, randomize: true },
      rejectRateLimitedCalls: true,
      // Never queue inside the client: a queued call would start in another call's async context.
      maxRequestConcurrency: 10_000,
      logger: nestLogger(this.logger),
    });
    this.poster = new WebClient(options.token, {
      fetch,
      slackApiUrl: slackApiBase(options.apiUrl),
      timeout: options.timeoutMs,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      maxRequestConcurrency: 10_000,
      logger: nestLogger(this.logger),
    });
    this.reconciler = new SlackPostReconciler(this.client);
  }

  async postMessage(request: SlackPostRequest): Promise<{ channel: string; ts: string }> {
    const { postKey, reconcile, ...rest } = request;
    if (postKey && (reconcile === true || this.reconciler.isUncertain(postKey))) {
      const earlier = await this.lookUp(postKey, rest.channel, rest.thread_ts).catch((error: unknown) => {
        // Slack refused the look-up for good (a channel given by name, a missing history scope): post
        // anyway — at least once rather than never. A transient failure goes to the retry tiers.
        if (!(error instanceof ChannelRejectedError)) throw error;
        this.logger.warn({ msg: 'Slack post look-up refused; posting without it', key: postKey, error: error.message });
        return undefined;
      });
      if (earlier) return earlier;
    }
    // The client's union types tie `reply_broadcast` to a literal `thread_ts`; ours are plain optionals.
    const args = {
      ...rest,
      ...(postKey ? { metadata: { event_type: POST_METADATA_TYPE, event_payload: { key: postKey } } } : {}),
    } as ChatPostMessageArguments;
    let result;
    try {
      result = await this.call('chat.postMessage', () => this.poster.chat.postMessage(args));
    } catch (error) {
      if (!postKey || !mayHavePosted(error)) throw error;
      this.reconciler.markUncertain(postKey);
      const earlier = await this.lookUp(postKey, rest.channel, rest.thread_ts).catch(() => undefined);
      if (earlier) return earlier;
      throw error; // not found (yet): the retry tier tries again, looking first
    }
    if (postKey) this.reconciler.settle(postKey);
    if (!result.channel || !result.ts) {
      throw new ChannelUnavailableError('slack', 'chat.postMessage answered without channel or ts');
    }
    return { channel: result.channel, ts: result.ts };
  }

  private async lookUp(key: string, channel: string, threadTs?: string) {
    const found = await this.call('conversations.history', () => this.reconciler.find(key, channel, threadTs));
    if (found) this.logger.warn({ msg: 'Slack post found after a lost answer: not posting it again', key });
    return found;
  }

  async update(request: SlackUpdateRequest): Promise<void> {
    await this.call('chat.update', () => this.client.chat.update(request));
  }

  /** One Slack call under the vendor retry policy: short rate limits waited out, an open circuit not sent. */
  private async call<T>(method: string, send: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(send);
    } catch (error) {
      if (error instanceof WebAPIRateLimitedError) {
        throw new ChannelRateLimitedError(
          'slack',
          `${method} rate-limited for ${error.retryAfter} s`,
          error.retryAfter * 1_000,
        );
      }
      if (error instanceof VendorCircuitOpenError) {
        throw new ChannelUnavailableError('slack', `${method} not sent: ${error.message}`, {
          retryAfterMs: error.retryAfterMs,
          cause: error,
        });
      }
      throw slackError(method, error);
    }
  }
}

/**
 * How a Slack failure counts for the retry policy: a rate limit waits its Retry-After; what
 * {@link slackError} calls unavailable counts toward the circuit; the rest is final.
 */
function slackVerdict(error: unknown): VendorFailureVerdict {
  if (error instanceof WebAPIRateLimitedError) return { kind: 'rate-limited', retryAfterMs: error.retryAfter * 1_000 };
  return slackError('slack', error).retryable ? { kind: 'unavailable' } : { kind: 'final' };
}

/** True when a failed post may still have reached Slack: no answer, or a 5xx (not a refused connection). */
function mayHavePosted(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof WebAPIRequestError) {
    const code = (cause.original as { code?: unknown }).code;
    return code !== 'ECONNREFUSED' && code !== 'ENOTFOUND' && code !== 'EAI_AGAIN';
  }
  return cause instanceof WebAPIHTTPError && cause.statusCode >= 500;
}

/** Slack's failures as channel errors: transient ones retryable, the rest final with Slack's reason. */
export function slackError(method: string, error: unknown): ChannelError {
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    const message = `${method} failed: ${code}`;
    return TRANSIENT.has(code)
      ? new ChannelUnavailableError('slack', message, { cause: error })
      : new ChannelRejectedError('slack', message, { cause: error });
  }
  if (error instanceof WebAPIHTTPError) {
    const message = `${method} answered HTTP ${error.statusCode}`;
    return error.statusCode >= 500 || error.statusCode === 408
      ? new ChannelUnavailableError('slack', message, { cause: error })
      : new ChannelRejectedError('slack', message, { cause: error });
  }
  if (error instanceof WebAPIRequestError) {
    return new ChannelUnavailableError('slack', `${method} request failed: ${error.original.message}`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChannelUnavailableError('slack', `${method} failed: ${message}`, { cause: error });
}

/** The client's log lines through Nest's logger (and so pino, with trace ids); debug is dropped. */
function nestLogger(logger: Logger): SlackLogger {
  let level = LogLevel.WARN;
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => {
      if (level === LogLevel.INFO || level === LogLevel.DEBUG) logger.log(text(parts));
    },
    warn: (...parts: unknown[]) => logger.warn(text(parts)),
    error: (...parts: unknown[]) => logger.error(text(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
