import { createHash } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** One message the fake Slack holds, with every version it had (the first is the one posted). */
export interface FakeSlackMessage {
  /** Channel id (`C…`). */
  readonly channel: string;
  readonly ts: string;
  /** Set on thread replies: the ts of the thread's root. */
  readonly threadTs?: string;
  text: string;
  blocks: unknown[];
  /** Earlier versions, oldest first (one per `chat.update`). */
  readonly edits: { text: string; blocks: unknown[] }[];
  /** The message metadata it was posted with (`{event_type, event_payload}`), if any. */
  readonly metadata?: unknown;
}

export interface FakeSlackOptions {
  /** When set, only this bearer token is accepted (`invalid_auth` otherwise); else any `xox…` token. */
  token?: string;
}

type Params = Record<string, unknown>;

/**
 * A loopback Slack Web API (`SLACK_API_URL` = its `url`) for the real `@slack/web-api` client:
 * `chat.postMessage` and `chat.update` in Slack's wire format (form-encoded or JSON bodies, bearer
 * token, `{"ok":…}` answers with increasing `ts`). Channel names resolve to stable ids; messages are
 * kept per channel with their threads and edits, so tests ask for roots and replies. Scripted
 * failures: `rateLimitNext` (HTTP 429 + Retry-After), `failNext` (`{"ok":false,"error":…}`) and
 * `loseAnswerNext` (the post is made, the answer lost). `conversations.history` and
 * `conversations.replies` list what was posted, with metadata under `include_all_metadata`.
 */
export class FakeSlack extends FakeHttpServer {
  private readonly messages: FakeSlackMessage[] = [];
  private readonly names = new Map<string, string>();
  private sequence = 0;
  private rateLimits: number[] = [];
  private failures: string[] = [];
  private lostAnswers = 0;

  constructor(private readonly options: FakeSlackOptions = {}) {
    super();
    this.route('POST', /^\/api\/[^/]+$/, () => ({ body: { ok: false, error: 'unknown_method' } }));
    this.route('POST', /^\/api\/chat\.postMessage$/, (request) => {
      const reply = this.answer(request, (p) => this.post(p));
      if (!this.lostAnswers || (reply.body as Params | undefined)?.ok !== true) return reply;
      this.lostAnswers -= 1;
      return { drop: true };
    });
    this.route('POST', /^\/api\/conversations\.history$/, (request) => this.answer(request, (p) => this.history(p)));
    this.route('POST', /^\/api\/conversations\.replies$/, (request) => this.answer(request, (p) => this.thread(p)));
    this.route('POST', /^\/api\/chat\.update$/, (request) => this.answer(request, (p) => this.update(p)));
  }

  /** The stable id a channel name (`#platform-alerts` or `platform-alerts`) resolves to; ids map to themselves. */
  channelId(nameOrId: string): string {
    if (/^[CGD][A-Z0-9]{8,}$/.test(nameOrId)) return nameOrId;
    const name = nameOrId.replace(/^#/, '');
    const id = `C${createHash('sha256').update(name).digest('hex').slice(0, 10).toUpperCase()}`;
    this.names.set(id, name);
    return id;
  }

  /** The next `count` calls answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(count: number, retryAfterSeconds = 1): this {
    this.rateLimits.push(...Array.from({ length: count }, () => retryAfterSeconds));
    return this;
  }

  /** The next `count` calls answer `{"ok":false,"error":error}` (HTTP 200, as Slack does). */
  failNext(error: string, count = 1): this {
    this.failures.push(...Array.from({ length: count }, () => error));
    return this;
  }

  /** The next `count` posts are made but their answer is lost (the connection closes): a timeout after the send. */
  loseAnswerNext(count = 1): this {
    this.lostAnswers += count;
    return this;
  }

  /** Every message of a channel (name or id), in posting order. */
  messagesIn(channel: string): FakeSlackMessage[] {
    const id = this.channelId(channel);
    return this.messages.filter((m) => m.channel === id);
  }

  /** Top-level messages of a channel (thread roots and plain messages). */
  roots(channel: string): FakeSlackMessage[] {
    return this.messagesIn(channel).filter((m) => m.threadTs === undefined);
  }

  /** Replies in the thread whose root has `threadTs`, in posting order. */
  replies(channel: string, threadTs: string): FakeSlackMessage[] {
    return this.messagesIn(channel).filter((m) => m.threadTs === threadTs);
  }

  /** Requests to one Web API method (`chat.postMessage`), including rejected ones. */
  calls(method: string): RecordedRequest[] {
    return this.find('POST', new RegExp(`^/api/${method.replace(/\./g, '\\.')}$`));
  }

  private answer(request: RecordedRequest, handle: (params: Params) => Params): FakeReply {
    const retryAfter = this.rateLimits.shift();
    if (retryAfter !== undefined) {
      return { status: 429, headers: { 'retry-after': String(retryAfter) }, body: { ok: false, error: 'ratelimited' } };
    }
    const params = (request.json ?? {}) as Params;
    const token =
      bearer(request.headers.authorization) ?? (typeof params.token === 'string' ? params.token : undefined);
    if (!token) return { body: { ok: false, error: 'not_authed' } };
    if (!/^xox[abpe]-/.test(token) || (this.options.token !== undefined && token !== this.options.token)) {
      return { body: { ok: false, error: 'invalid_auth' } };
    }
    const failure = this.failures.shift();
    if (failure) return { body: { ok: false, error: failure } };
    return { body: handle(params) };
  }

  private post(params: Params): Params {
    const channel = this.resolveChannel(params.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const content = contentOf(params);
    if (typeof content === 'string') return { ok: false, error: content };
    const threadTs = typeof params.thread_ts === 'string' ? params.thread_ts : undefined;
    if (threadTs !== undefined && !this.messages.some((m) => m.channel === channel && m.ts === threadTs)) {
      return { ok: false, error: 'thread_not_found' };
    }
    const metadata = typeof params.metadata === 'string' ? parseJson(params.metadata) : params.metadata;
    const message: FakeSlackMessage = {
      channel,
      ts: this.nextTs(),
      threadTs,
      ...content,
      edits: [],
      ...(metadata === undefined ? {} : { metadata }),
    };
    this.messages.push(message);
    return { ok: true, channel, ts: message.ts, message: wire(message) };
  }

  private update(params: Params): Params {
    const channel = this.resolveChannel(params.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const message = this.messages.find((m) => m.channel === channel && m.ts === params.ts);
    if (!message) return { ok: false, error: 'message_not_found' };
    const content = contentOf(params);
    if (typeof content === 'string') return { ok: false, error: content };
    message.edits.push({ text: message.text, blocks: message.blocks });
    message.text = content.text;
    message.blocks = content.blocks;
    return { ok: true, channel, ts: message.ts, text: message.text, message: wire(message) };
  }

  /** `conversations.history`: the channel's top-level messages, newest first, from `oldest` on. */
  private history(params: Params): Params {
    const channel = this.resolveChannel(params.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const oldest = Number(params.oldest ?? 0);
    const withMetadata = params.include_all_metadata === true || params.include_all_metadata === 'true';
    const messages = this.messages
      .filter((m) => m.channel === channel && m.threadTs === undefined && Number(m.ts) >= oldest)
      .reverse()
      .map((m) => wire(m, withMetadata));
    return { ok: true, messages, has_more: false };
  }

  /** `conversations.replies`: a thread's root and replies, oldest first. */
  private thread(params: Params): Params {
    const channel = this.resolveChannel(params.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const root = this.messages.find((m) => m.channel === channel && m.ts === params.ts);
    if (!root) return { ok: false, error: 'thread_not_found' };
    const withMetadata = params.include_all_metadata === true || params.include_all_metadata === 'true';
    const messages = [root, ...this.messages.filter((m) => m.channel === channel && m.threadTs === root.ts)];
    return { ok: true, messages: messages.map((m) => wire(m, withMetadata)), has_more: false };
  }

  private resolveChannel(value: unknown): string | undefined {
    return typeof value === 'string' && value.trim() !== '' ? this.channelId(value.trim()) : undefined;
  }

  private nextTs(): string {
    this.sequence += 100;
    const seconds = 1_700_000_000 + Math.floor(this.sequence / 1_000_000);
    return `${seconds}.${String(this.sequence % 1_000_000).padStart(6, '0')}`;
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Text and blocks of a request (the Web API client sends `blocks` as a JSON string in form bodies), or Slack's error. */
function contentOf(params: Params): { text: string; blocks: unknown[] } | string {
  const raw = typeof params.blocks === 'string' ? parseJson(params.blocks) : params.blocks;
  if (params.blocks !== undefined && !Array.isArray(raw)) return 'invalid_blocks_format';
  const blocks = (raw as unknown[] | undefined) ?? [];
  if (blocks.some((block) => typeof (block as { type?: unknown } | null)?.type !== 'string')) return 'invalid_blocks';
  const text = typeof params.text === 'string' ? params.text : '';
  return text === '' && blocks.length === 0 ? 'no_text' : { text, blocks };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function wire(message: FakeSlackMessage, withMetadata = false): Params {
  return {
    ...(withMetadata && message.metadata !== undefined ? { metadata: message.metadata } : {}),
    type: 'message',
    user: 'U0FAKEBOT',
    bot_id: 'B0FAKEBOT',
    text: message.text,
    blocks: message.blocks,
    ts: message.ts,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
  };
}
