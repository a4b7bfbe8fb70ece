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

/** Argo CD's error body: grpc-gateway's `{error, code, message}`. */
interface ArgoCdErrorBody {
  error?: string;
  code?: number;
  message?: string;
}

const IN_PROGRESS = 'another operation is already in progress';
const GRPC_NOT_FOUND = 5;

/**
 * The Argo CD REST API over the global `fetch` (undici, instrumented: each call is a child span of
 * the action's trace). Every failure leaves as a typed `ArgoCd*Error`.
 */
export class ArgoCdClient {
  /** Retries are the runner's attempts; this is the vendor's circuit (fails fast while it is down). */
  private readonly circuit = new VendorRetryPolicy({ vendor: 'argocd' });
  private readonly base: string;

  constructor(private readonly options: ArgoCdClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
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

  private call(
    method: string,
    name: string,
    suffix: string,
    appNamespace: string | undefined,
    body: unknown,
    signal: AbortSignal,
  ): Promise<ArgoCdApplication> {
    const url = new URL(`${this.base}/api/v1/applications/${encodeURIComponent(name)}${suffix}`);
    if (appNamespace) url.searchParams.set('appNamespace', appNamespace);
    const context = { method, application: name, appNamespace };
    return this.circuit.execute(() => this.request(url, context, body, signal));
  }

  private async request(
    url: URL,
    context: { method: string; application: string; appNamespace?: string },
    body: unknown,
    signal: AbortSignal,
  ): Promise<ArgoCdApplication> {
    const { method } = context;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.requestTimeoutMs)]),
      });
    } catch (error) {
      throw new ArgoCdUnreachableError(
        `Argo CD did not answer ${method} ${url.pathname}: ${describe(error)}`,
        context,
        {
          cause: error,
        },
      );
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return parseJson<ArgoCdApplication>(text) ?? {};
    const error = parseJson<ArgoCdErrorBody>(text);
    const message = error?.message ?? error?.error ?? (text.slice(0, 200) || response.statusText);
    const details = { ...context, status: response.status, grpcCode: error?.code, message };
    if ((response.status === 400 || response.status === 409) && message.includes(IN_PROGRESS)) {
      throw new ArgoCdOperationInProgressError(`Argo CD: ${message}`, details);
    }
    if (response.status === 404 || error?.code === GRPC_NOT_FOUND) {
      throw new ArgoCdApplicationNotFoundError(`Argo CD: ${message}`, details);
    }
    throw new ArgoCdRequestError(
      `Argo CD answered ${response.status} to ${method} ${url.pathname}: ${message}`,
      response.status,
      parseRetryAfter(response.headers.get('retry-after')),
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
  return `${error.name === 'TimeoutError' ? 'timed out' : error.message}${cause}`;
}
