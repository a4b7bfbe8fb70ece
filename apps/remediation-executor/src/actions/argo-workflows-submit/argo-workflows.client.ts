import { parseRetryAfter, VendorRetryPolicy } from '@hub/contracts';
import {
  ArgoWorkflowsNotFoundError,
  ArgoWorkflowsRequestError,
  ArgoWorkflowsUnreachableError,
} from './argo-workflows.errors.js';

/** Where the Argo server is and how to authenticate. */
export interface ArgoWorkflowsClientOptions {
  /** `ARGO_WORKFLOWS_URL`, e.g. `https://argo.example.com:2746`. */
  url: string;
  /** `ARGO_WORKFLOWS_TOKEN`: a service account token allowed to submit from WorkflowTemplates. */
  token?: string;
  requestTimeoutMs: number;
}

/** The parts of a Workflow the action reads. */
export interface ArgoWorkflow {
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string> };
  status?: { phase?: string; message?: string; startedAt?: string; finishedAt?: string; progress?: string };
}

/** A submit from a WorkflowTemplate. */
export interface WorkflowSubmit {
  namespace: string;
  template: string;
  /** `name=value` strings, as `argo submit --from workflowtemplate/x -p name=value`. */
  parameters: string[];
  /** `k=v,k2=v2`: labels of the created workflow. */
  labels: string;
}

/**
 * The Argo Workflows server REST API (grpc-gateway JSON) over the global `fetch` (instrumented:
 * each call is a child span of the action's trace). Every failure leaves as a typed error.
 */
export class ArgoWorkflowsClient {
  /** Retries are the runner's attempts; this is the vendor's circuit (fails fast while it is down). */
  private readonly circuit = new VendorRetryPolicy({ vendor: 'argo-workflows' });
  private readonly base: string;

  constructor(private readonly options: ArgoWorkflowsClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  get server(): string {
    return this.base;
  }

  /** `POST /api/v1/workflows/{namespace}/submit` with `resourceKind: WorkflowTemplate`. */
  submit(submit: WorkflowSubmit, signal: AbortSignal): Promise<ArgoWorkflow> {
    return this.call('POST', `/api/v1/workflows/${encodeURIComponent(submit.namespace)}/submit`, signal, {
      namespace: submit.namespace,
      resourceKind: 'WorkflowTemplate',
      resourceName: submit.template,
      submitOptions: { parameters: submit.parameters, labels: submit.labels },
    });
  }

  getWorkflow(namespace: string, name: string, signal: AbortSignal): Promise<ArgoWorkflow> {
    return this.call('GET', `/api/v1/workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`, signal);
  }

  /** Workflows of a namespace with the given labels (`k=v,…`). */
  async listWorkflows(namespace: string, labelSelector: string, signal: AbortSignal): Promise<ArgoWorkflow[]> {
    const path = `/api/v1/workflows/${encodeURIComponent(namespace)}?${new URLSearchParams({
      'listOptions.labelSelector': labelSelector,
    }).toString()}`;
    const list = await this.call<{ items?: ArgoWorkflow[] | null }>('GET', path, signal);
    return list.items ?? [];
  }

  private call<T = ArgoWorkflow>(method: string, path: string, signal: AbortSignal, body?: unknown): Promise<T> {
    return this.circuit.execute(() => this.request<T>(method, path, signal, body));
  }

  private async request<T = ArgoWorkflow>(
    method: string,
    path: string,
    signal: AbortSignal,
    body?: unknown,
  ): Promise<T> {
    const context = { method, path };
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.requestTimeoutMs)]),
      });
    } catch (error) {
      const reason =
        error instanceof Error ? (error.name === 'TimeoutError' ? 'timed out' : error.message) : String(error);
      throw new ArgoWorkflowsUnreachableError(`Argo Workflows did not answer ${method} ${path}: ${reason}`, context, {
        cause: error,
      });
    }
    const text = await response.text().catch(() => '');
    const json = parseJson(text) as { code?: number; message?: string } | undefined;
    if (response.ok) return (json ?? {}) as T;
    const message = json?.message ?? (text.slice(0, 200) || response.statusText);
    const details = { ...context, status: response.status, grpcCode: json?.code, message };
    if (response.status === 404) throw new ArgoWorkflowsNotFoundError(`Argo Workflows: ${message}`, details);
    throw new ArgoWorkflowsRequestError(
      `Argo Workflows answered ${response.status} to ${method} ${path}: ${message}`,
      response.status,
      parseRetryAfter(response.headers.get('retry-after')),
      details,
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
