import { type ActionRequested, defaultRedactor } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type KubernetesClient } from '../externalsecret-refresh/kubernetes.client.js';
import {
  type DiagnosticsParams,
  diagnosticsParamsOf,
  KUBERNETES_DIAGNOSTICS_KIND,
  planDiagnostics,
} from './kubernetes-diagnostics.plan.js';
import { redactLogLine } from './redact-log.js';

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: Record<string, { reason?: string; message?: string; exitCode?: number }>;
  lastState?: Record<string, { reason?: string; exitCode?: number; finishedAt?: string }>;
}

/** One pod's diagnostics. */
export interface PodDiagnostics {
  pod: string;
  phase?: string;
  containers: {
    name: string;
    ready: boolean;
    restartCount: number;
    state: string;
    lastState?: string;
    log: string[];
  }[];
  events: { reason?: string; type?: string; count?: number; lastSeen?: string; message?: string }[];
}

/**
 * `kubernetes.diagnostics` (the escalation's "diagnostic data collection"): for the pods a label
 * selector names (at most `maxPods`), their container statuses, their recent Events and each
 * container's last `logLines` log lines (at most `logBytes`), secrets redacted by the hub's
 * redactor — as `details.pods` and `details.summary` (text for a Slack reply or a JIRA comment).
 * Read-only, so a dry run collects too.
 */
export class KubernetesDiagnosticsAction implements Action {
  readonly kind = KUBERNETES_DIAGNOSTICS_KIND;
  readonly readsInDryRun = true;

  constructor(private readonly client: KubernetesClient) {}

  plan(request: ActionRequested): PlannedCall {
    return planDiagnostics(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const params = diagnosticsParamsOf(request);
    const found = await this.client.listPods(params.namespace, params.pods, context.signal);
    const pods: PodDiagnostics[] = [];
    for (const pod of found.slice(0, params.maxPods)) pods.push(await this.collect(pod, params, context.signal));
    const details = {
      namespace: params.namespace,
      selector: params.pods,
      podsFound: found.length,
      pods,
      summary: summaryOf(params, found.length, pods),
      server: this.client.server,
    };
    return { details: defaultRedactor.redact(details) };
  }

  private async collect(
    pod: { metadata?: { name?: string }; status?: unknown },
    params: DiagnosticsParams,
    signal: AbortSignal,
  ): Promise<PodDiagnostics> {
    const name = pod.metadata?.name ?? '';
    const status = (pod.status ?? {}) as { phase?: string; containerStatuses?: ContainerStatus[] };
    const events = (await this.client.listEvents(params.namespace, `involvedObject.name=${name}`, signal))
      .map(
        (e) => e as { reason?: string; type?: string; count?: number; lastTimestamp?: Date | string; message?: string },
      )
      .map((e) => ({ ...e, lastTimestamp: e.lastTimestamp ? new Date(e.lastTimestamp).toISOString() : undefined }))
      .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))
      .slice(0, params.events)
      .map((e) => ({ reason: e.reason, type: e.type, count: e.count, lastSeen: e.lastTimestamp, message: e.message }));
    const containers = [];
    for (const c of status.containerStatuses ?? []) {
      const container = c.name ?? '';
      const text =
        params.logLines === 0
          ? ''
          : await this.client.podLog(
              { namespace: params.namespace, name, container },
              { tailLines: params.logLines, limitBytes: params.logBytes },
              signal,
            );
      containers.push({
        name: container,
        ready: c.ready ?? false,
        restartCount: c.restartCount ?? 0,
        state: stateOf(c.state),
        ...(c.lastState && Object.keys(c.lastState).length > 0 ? { lastState: stateOf(c.lastState) } : {}),
        log: text
          .split('\n')
          .filter((line) => line !== '')
          .slice(-params.logLines)
          .map(redactLogLine),
      });
    }
    return { pod: name, phase: status.phase, containers, events };
  }
}

function stateOf(state: Record<string, { reason?: string; exitCode?: number }> | undefined): string {
  const [phase, detail] = Object.entries(state ?? {})[0] ?? ['unknown', {}];
  const extra = [detail.reason, detail.exitCode === undefined ? undefined : `exit ${detail.exitCode}`].filter(Boolean);
  return extra.length > 0 ? `${phase} (${extra.join(', ')})` : phase;
}

function summaryOf(params: DiagnosticsParams, found: number, pods: PodDiagnostics[]): string {
  const header = `Diagnostics — ${params.namespace} pods ${params.pods}: ${found} found, ${pods.length} shown`;
  const blocks = pods.map((p) => {
    const containers = p.containers.map(
      (c) => `• ${c.name}: ${c.state}, ${c.restartCount} restarts${c.lastState ? `, last ${c.lastState}` : ''}`,
    );
    const events = p.events.map((e) => `• ${e.type ?? ''} ${e.reason ?? ''} ×${e.count ?? 1}: ${e.message ?? ''}`);
    const logs = p.containers.flatMap((c) =>
      c.log.length > 0 ? [`${c.name} (last ${c.log.length} lines):`, ...c.log] : [],
    );
    return [
      `Pod ${p.pod} (${p.phase ?? '?'})`,
      ...containers,
      ...(events.length ? ['Events:', ...events] : []),
      ...logs,
    ].join('\n');
  });
  return [header, ...blocks].join('\n\n');
}
