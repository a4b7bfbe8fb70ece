import { type ActionRequested, parseRetryAfter } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { HttpRequestFailedError, MissingSecretError } from './http-request.errors.js';
import { HTTP_REQUEST_KIND, httpRequestOf, planHttpRequest } from './http-request.plan.js';

/** Where secrets come from: `HUB_SECRET_<NAME>` of the environment. */
export type SecretSource = (name: string) => string | undefined;

/**
 * `http.request`: one HTTP call to an allowed host (`HUB_HTTP_ALLOWED_HOSTS`), headers from named
 * secrets, a JSON body, success on the expected statuses. Every call carries
 * `Idempotency-Key: <actionId>`, so a target that honours it takes a retried call once.
 */
export class HttpRequestAction implements Action {
  readonly kind = HTTP_REQUEST_KIND;

  constructor(
    private readonly allowedHosts: ReadonlySet<string>,
    private readonly secrets: SecretSource,
    private readonly requestTimeoutMs: number,
  ) {}

  plan(request: ActionRequested): PlannedCall {
    return planHttpRequest(request, this.allowedHosts);
  }

  async run(request: ActionRequested, { signal }: ActionContext): Promise<ActionOutcome> {
    const call = httpRequestOf(request, this.allowedHosts);
    const headers: Record<string, string> = {
      'idempotency-key': request.actionId,
      'user-agent': 'hub-remediation-executor',
    };
    for (const [name, value] of Object.entries(call.headers)) {
      if (typeof value === 'string') {
        headers[name] = value;
        continue;
      }
      const secret = this.secrets(value.secret);
      if (secret === undefined) {
        throw new MissingSecretError(
          `http.request header ${name} names secret ${value.secret}: set HUB_SECRET_${value.secret}`,
          {
            header: name,
          },
        );
      }
      headers[name] = `${value.prefix}${secret}`;
    }
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(call.url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]),
      });
    } catch (error) {
      throw new HttpRequestFailedError(
        `${call.method} ${call.url} did not answer: ${(error as Error).message}`,
        undefined,
      );
    }
    const text = await response.text().catch(() => '');
    const ok = call.expectStatus
      ? call.expectStatus.includes(response.status)
      : response.status >= 200 && response.status < 300;
    if (!ok) {
      throw new HttpRequestFailedError(
        `${call.method} ${call.url} answered ${response.status}${call.expectStatus ? ` (expected ${call.expectStatus.join(', ')})` : ''}: ${text.slice(0, 200)}`,
        response.status,
        parseRetryAfter(response.headers.get('retry-after')),
        { url: call.url },
      );
    }
    return { details: { method: call.method, url: call.url, status: response.status } };
  }
}

/** The secret source of the process: `HUB_SECRET_<NAME>`. */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return (name) => env[`HUB_SECRET_${name}`];
}
