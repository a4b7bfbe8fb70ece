import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** `status.phase` of an Argo Workflow. */
export type ArgoWorkflowPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';

/** How the workflows submitted from a template go. */
export interface FakeWorkflowTemplateOptions {
  /** Phases the GETs after a submit show, one per GET, the last one sticking. Default Running, Succeeded. */
  phases?: ArgoWorkflowPhase[];
  /** `status.message` of a Failed or Error workflow. */
  message?: string;
}

/** A submit the fake accepted. */
export interface ArgoSubmitRecord {
  namespace: string;
  template: string;
  workflow: string;
  parameters: string[];
  labels?: string;
  at: number;
}

interface FakeWorkflow {
  namespace: string;
  name: string;
  template: string;
  parameters: string[];
  labels: Record<string, string>;
  phases: ArgoWorkflowPhase[];
  next: number;
  message?: string;
  startedAt: string;
  finishedAt?: string;
}

const SUBMIT_PATH = /^\/api\/v1\/workflows\/([^/]+)\/submit$/;
const LIST_PATH = /^\/api\/v1\/workflows\/([^/]+)$/;
const WORKFLOW_PATH = /^\/api\/v1\/workflows\/([^/]+)\/([^/]+)$/;
const TERMINAL = new Set<ArgoWorkflowPhase>(['Succeeded', 'Failed', 'Error']);

/**
 * A loopback Argo Workflows server (`argo server`'s REST API, grpc-gateway JSON): `POST
 * /api/v1/workflows/{namespace}/submit` of a known WorkflowTemplate creates a workflow named
 * `<template>-<suffix>`, whose phases the following `GET /api/v1/workflows/{namespace}/{name}`
 * reveal one by one. Errors come as `{ code, message }` with the gRPC code (5 NotFound,
 * 16 Unauthenticated, 3 InvalidArgument).
 */
export class FakeArgoWorkflows extends FakeHttpServer {
  static readonly DEFAULT_TOKEN = 'argo-workflows-fake-token';
  readonly submits: ArgoSubmitRecord[] = [];
  private readonly templates = new Map<string, FakeWorkflowTemplateOptions>();
  private readonly workflows = new Map<string, FakeWorkflow>();

  constructor(readonly token: string = FakeArgoWorkflows.DEFAULT_TOKEN) {
    super();
    this.route('POST', SUBMIT_PATH, (request) => this.authorized(request) ?? this.submit(request));
    this.route('GET', WORKFLOW_PATH, (request) => this.authorized(request) ?? this.get(request));
    this.route('GET', LIST_PATH, (request) => this.authorized(request) ?? this.list(request));
  }

  addWorkflowTemplate(namespace: string, name: string, options: FakeWorkflowTemplateOptions = {}): this {
    this.templates.set(`${namespace}/${name}`, options);
    return this;
  }

  /** The workflow's current phase as the last GET showed it (undefined before any GET). */
  workflowPhase(namespace: string, name: string): ArgoWorkflowPhase | undefined {
    const workflow = this.workflows.get(`${namespace}/${name}`);
    return workflow && workflow.next > 0
      ? workflow.phases[Math.min(workflow.next, workflow.phases.length) - 1]
      : undefined;
  }

  private authorized(request: RecordedRequest): FakeReply | undefined {
    // The Argo server takes `Authorization: Bearer <token>` (its client mode).
    if (request.headers.authorization === `Bearer ${this.token}`) return undefined;
    return error(401, 16, 'token not valid for running mode');
  }

  private submit(request: RecordedRequest): FakeReply {
    const [, namespace = ''] = SUBMIT_PATH.exec(request.path) ?? [];
    const body = request.json as
      | {
          resourceKind?: string;
          resourceName?: string;
          submitOptions?: { parameters?: unknown; labels?: string; generateName?: string };
        }
      | undefined;
    if (body?.resourceKind !== 'WorkflowTemplate' && body?.resourceKind !== 'workflowtemplate') {
      return error(400, 3, `resourceKind ${String(body?.resourceKind)} is not supported by this fake`);
    }
    const template = String(body.resourceName ?? '');
    const options = this.templates.get(`${namespace}/${template}`);
    if (!options) return error(404, 5, `workflowtemplates.argoproj.io "${template}" not found`);
    const parameters = body.submitOptions?.parameters ?? [];
    if (!Array.isArray(parameters) || parameters.some((p) => typeof p !== 'string' || !p.includes('='))) {
      return error(400, 3, 'submitOptions.parameters must be a list of "name=value" strings');
    }
    const name = `${body.submitOptions?.generateName ?? `${template}-`}${Math.random().toString(36).slice(2, 7)}`;
    const workflow: FakeWorkflow = {
      namespace,
      name,
      template,
      parameters: parameters as string[],
      labels: labelsOf(body.submitOptions?.labels),
      phases: options.phases ?? ['Running', 'Succeeded'],
      next: 0,
      message: options.message,
      startedAt: new Date().toISOString(),
    };
    this.workflows.set(`${namespace}/${name}`, workflow);
    this.submits.push({
      namespace,
      template,
      workflow: name,
      parameters: workflow.parameters,
      labels: body.submitOptions?.labels,
      at: Date.now(),
    });
    return { body: this.render(workflow, 'Pending') };
  }

  /** `GET /api/v1/workflows/{namespace}?listOptions.labelSelector=k=v,…` (equality requirements only). */
  private list(request: RecordedRequest): FakeReply {
    const [, namespace = ''] = LIST_PATH.exec(request.path) ?? [];
    const wanted = labelsOf(request.query.get('listOptions.labelSelector') ?? undefined);
    const items = [...this.workflows.values()]
      .filter((w) => w.namespace === namespace)
      .filter((w) => Object.entries(wanted).every(([k, v]) => w.labels[k] === v))
      .map((w) => this.render(w, w.phases[Math.max(0, Math.min(w.next, w.phases.length) - 1)] ?? 'Pending'));
    return { body: { metadata: {}, items: items.length > 0 ? items : null } };
  }

  private get(request: RecordedRequest): FakeReply {
    const [, namespace = '', name = ''] = WORKFLOW_PATH.exec(request.path) ?? [];
    const workflow = this.workflows.get(`${namespace}/${name}`);
    if (!workflow) return error(404, 5, `workflows.argoproj.io "${name}" not found`);
    const phase = workflow.phases[Math.min(workflow.next, workflow.phases.length - 1)]!;
    workflow.next++;
    if (TERMINAL.has(phase)) workflow.finishedAt ??= new Date().toISOString();
    return { body: this.render(workflow, phase) };
  }

  private render(workflow: FakeWorkflow, phase: ArgoWorkflowPhase): Record<string, unknown> {
    const failed = phase === 'Failed' || phase === 'Error';
    return {
      metadata: {
        name: workflow.name,
        namespace: workflow.namespace,
        uid: `uid-${workflow.name}`,
        labels: { ...workflow.labels, 'workflows.argoproj.io/workflow-template': workflow.template },
      },
      spec: {
        workflowTemplateRef: { name: workflow.template },
        arguments: {
          parameters: workflow.parameters.map((p) => ({
            name: p.slice(0, p.indexOf('=')),
            value: p.slice(p.indexOf('=') + 1),
          })),
        },
      },
      status: {
        phase,
        startedAt: workflow.startedAt,
        ...(TERMINAL.has(phase) ? { finishedAt: workflow.finishedAt ?? new Date().toISOString() } : {}),
        ...(failed ? { message: workflow.message ?? 'child failed' } : {}),
        progress: phase === 'Succeeded' ? '1/1' : '0/1',
      },
    };
  }
}

function labelsOf(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq > 0) labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return labels;
}

function error(status: number, code: number, message: string): FakeReply {
  return { status, body: { code, message } };
}
