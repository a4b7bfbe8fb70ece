import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** A scripted answer of the webhook: a status, an optional `Retry-After` (seconds) and body. */
export interface TeamsScriptedReply {
  status: number;
  retryAfterSeconds?: number;
  body?: unknown;
}

const WORKFLOW_PATH = '/workflows/0f4k3w0rkf10w/triggers/manual/paths/invoke';

/**
 * A loopback Microsoft Teams Workflows webhook (the "When a Teams webhook request is received"
 * trigger): `POST` a message with Adaptive Card attachments, answered `202 Accepted` with no body, as
 * Power Automate does. Records what was accepted; `respondNext` scripts statuses (429, 5xx, 400…).
 */
export class FakeTeamsWebhook extends FakeHttpServer {
  /** Bodies the webhook accepted, in order. */
  readonly accepted: unknown[] = [];
  private readonly script: TeamsScriptedReply[] = [];

  constructor() {
    super();
    this.route('POST', new RegExp(`^${WORKFLOW_PATH}$`), (request) => this.receive(request));
  }

  /** The URL to put in `TEAMS_WEBHOOK_URL` (shaped like a real Workflows trigger URL). */
  get webhookUrl(): string {
    return `${this.url}${WORKFLOW_PATH}?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=fake-signature`;
  }

  /** The Adaptive Cards (`attachments[].content`) of every accepted post, in order. */
  get cards(): Record<string, unknown>[] {
    return this.accepted.flatMap((body) => {
      const attachments = (body as { attachments?: { content?: unknown }[] }).attachments ?? [];
      return attachments.map((a) => a.content as Record<string, unknown>);
    });
  }

  /** The next posts get these answers, one each, before the default 202 resumes. */
  respondNext(...replies: TeamsScriptedReply[]): this {
    this.script.push(...replies);
    return this;
  }

  private receive(request: RecordedRequest): FakeReply {
    const scripted = this.script.shift();
    if (scripted) {
      return {
        status: scripted.status,
        headers: scripted.retryAfterSeconds === undefined ? {} : { 'retry-after': String(scripted.retryAfterSeconds) },
        body: scripted.body ?? { error: { code: 'Scripted', message: `scripted status ${scripted.status}` } },
      };
    }
    const body = request.json as { type?: unknown; attachments?: unknown } | undefined;
    if (!request.headers['content-type']?.includes('application/json') || body === undefined) {
      return { status: 400, body: { error: { code: 'InvalidRequestContent', message: 'the body must be JSON' } } };
    }
    if (body.type !== 'message' || !Array.isArray(body.attachments)) {
      return {
        status: 400,
        body: { error: { code: 'InvalidRequestContent', message: 'expected {"type":"message","attachments":[…]}' } },
      };
    }
    this.accepted.push(body);
    return { status: 202, headers: { 'content-length': '0' } };
  }
}
