import { STATUS_CODES } from 'node:http';
import { Agent, errors, request as httpRequest } from 'undici';
import { parseRetryAfter, VendorRetryPolicy } from '@hub/contracts';
import {
  ArgoCdApplicationNotFoundError,
  ArgoCdOperationInProgressError,
  ArgoCdRequestError,
  ArgoCdUnreachableError,
} from './argocd.errors.js';
import { type ArgoCdApplication, type ArgoCdRollbackRequest, type ArgoCdSyncRequest } from './argocd.types.js';

/** Where Argo CD is and how to authenticate. */
export interface ArgoCdClientOptions {
  /** `ARGOCD_URL`, e.g. `https://argocd.example.com`. */
  url: string;
  /** `ARGOCD_TOKEN`: an API token of an account allowed to sync. */
  token: string;
  requestTimeoutMs: number;
}

/** Idle connections are kept this long for the next call (a sync's polls, the next action). */
const KEEP_ALIVE_MS = 30_000;
/** Connections to Argo CD at most: beyond the actions running at once, so a poll never waits for a socket. */
const CONNECTIONS = 64;

/** Argo CD's error body: grpc-gateway's `{error, code, message}`. */
interface ArgoCdErrorBody {
  error?: string;
  code?: number;
  message?: string;
}

const IN_PROGRESS = 'another operation is already in progress';
const GRPC_NOT_FOUND = 5;

/**
 * The Argo CD REST API over undici's `request` on a keep-alive pool of the client's own, built once
 * per process: no TCP/TLS handshake per call, and none of `fetch`'s WHATWG Request/Response/stream
 * objects (fetch was a fifth of the executor's CPU). The undici instrumentation traces these calls
 * as it did fetch's (each a child span of the action's trace). `requestTimeoutMs` bounds the wait
 * for the answer's headers and each pause in its body. Every failure leaves as a typed `ArgoCd*Error`.
 */
export class ArgoCdClient {
  /** Retries are the runner's attempts; this is the vendor's circuit (fails fast while it is down). */
  private readonly circuit = new VendorRetryPolicy({ vendor: 'argocd' });
  private readonly base: string;
  private readonly agent: Agent;
  private readonly headers: Record<string, string>;
  private readonly jsonHeaders: Record<string, string>;

  constructor(options: ArgoCdClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    const timeout = options.requestTimeoutMs;
    this.agent = new Agent({
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
      connections: CONNECTIONS,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      connect: { timeout },
    });
    this.headers = { authorization: `Bearer ${options.token}`, accept: 'application/json' };
    this.jsonHeaders = { ...this.headers, 'content-type': 'application/json' };
  }

  /** Starts a sync; the answer is the Application with its `operation` set. */
  sync(request: ArgoCdSyncRequest, signal: AbortSignal): Promise<ArgoCdApplication> {
    return this.call('POST', request.name, '/sync', request.appNamespace, request, signal);
  }

  /** Rolls the app back to a `status.history` id (Argo CD refuses it while auto-sync is on). */
  rollback(request: ArgoCdRollbackRequest, signal: AbortSignal): Promise<ArgoCdApplication> {
    return this.call('POST', request.name, '/rollback', request.appNamespace, request, signal);
  }

  getApplication(name: string, appNamespace: string | undefined, signal: AbortSignal): Promise<ArgoCdApplication> {
    return this.call('GET', name, '', appNamespace, undefined, signal);
  }

  /** Closes the kept-alive connections (on shutdown). */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private call(
    method: 'GET' | 'POST',
    name: string,
    suffix: string,
    appNamespace: string | undefined,
    body: unknown,
    signal: AbortSignal,
  ): Promise<ArgoCdApplication> {
    const path = `/api/v1/applications/${encodeURIComponent(name)}${suffix}`;
    const query = appNamespace ? `?appNamespace=${encodeURIComponent(appNamespace)}` : '';
    const context = { method, application: name, appNamespace };
    return this.circuit.execute(() => this.request(path, query, context, body, signal));
  }

  private async request(
    path: string,
    query: string,
    context: { method: 'GET' | 'POST'; application: string; appNamespace?: string },
    body: unknown,
    signal: AbortSignal,
  ): Promise<ArgoCdApplication> {
    const { method } = context;
    let status: number;
    let retryAfter: string | undefined;
    let text: string;
    try {
      const response = await httpRequest(`${this.base}${path}${query}`, {
        method,
        dispatcher: this.agent,
        headers: body === undefined ? this.headers : this.jsonHeaders,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      status = response.statusCode;
      const header = response.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
      text = await response.body.text();
    } catch (error) {
      throw new ArgoCdUnreachableError(`Argo CD did not answer ${method} ${path}: ${describe(error)}`, context, {
        cause: error,
      });
    }
    if (status >= 200 && status < 300) return parseJson<ArgoCdApplication>(text) ?? {};
    const error = parseJson<ArgoCdErrorBody>(text);
    const message = error?.message ?? error?.error ?? (text.slice(0, 200) || STATUS_CODES[status] || String(status));
    const details = { ...context, status, grpcCode: error?.code, message };
    if ((status === 400 || status === 409) && message.includes(IN_PROGRESS)) {
      throw new ArgoCdOperationInProgressError(`Argo CD: ${message}`, details);
    }
    if (status === 404 || error?.code === GRPC_NOT_FOUND) {
      throw new ArgoCdApplicationNotFoundError(`Argo CD: ${message}`, details);
    }
    throw new ArgoCdRequestError(
      `Argo CD answered ${status} to ${method} ${path}: ${message}`,
      status,
      parseRetryAfter(retryAfter ?? null),
      details,
    );
  }
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  const timedOut = error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError;
  return `${timedOut || error.name === 'TimeoutError' ? 'timed out' : error.message}${cause}`;
}
