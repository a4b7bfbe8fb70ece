import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { assertKubernetesNames, parseParams } from '../params.js';

/** The action kind (routing key `action.requested.kubernetes.diagnostics`). */
export const KUBERNETES_DIAGNOSTICS_KIND = 'kubernetes.diagnostics';

/** Hard bounds, whatever a sensor asks: the result travels on the bus and into Slack and JIRA. */
export const MAX_LOG_LINES = 500;
export const MAX_LOG_BYTES = 64 * 1024;
export const MAX_PODS = 10;

const paramsSchema = z
  .object({
    /** An equality label selector of the involved pods (`app=web`). */
    pods: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9./_-]+=[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+=[A-Za-z0-9._-]*)*$/, {
        error: 'must be an equality label selector (`app=web,tier=api`)',
      }),
    logLines: z.number().int().min(0).max(MAX_LOG_LINES).default(50),
    /** Per container log. */
    logBytes: z.number().int().min(256).max(MAX_LOG_BYTES).default(8192),
    maxPods: z.number().int().min(1).max(MAX_PODS).default(3),
    events: z.number().int().min(0).max(50).default(10),
  })
  .loose();

export type DiagnosticsParams = z.output<typeof paramsSchema> & { namespace: string };

/** Target `<namespace>` (or `<namespace>/<anything>`: the namespace is what counts); params as above. */
export function diagnosticsParamsOf(request: ActionRequested): DiagnosticsParams {
  const namespace = request.target.split('/')[0] ?? '';
  if (!namespace) {
    throw new InvalidActionParamsError(
      `kubernetes.diagnostics needs a target "<namespace>[/<name>]" (got "${request.target}")`,
      { target: request.target },
    );
  }
  assertKubernetesNames(request, { namespace: [namespace, 'label'] });
  return { ...parseParams(request, paramsSchema), namespace };
}

/** What a diagnostics run reads, for dry runs and the outbox. */
export function planDiagnostics(request: ActionRequested): PlannedCall {
  const p = diagnosticsParamsOf(request);
  const ns = `/api/v1/namespaces/${p.namespace}`;
  return {
    integration: 'kubernetes',
    operation: 'pods.diagnostics',
    request: {
      pods: { method: 'GET', path: `${ns}/pods`, query: { labelSelector: p.pods }, limit: p.maxPods },
      events: { method: 'GET', path: `${ns}/events`, query: { fieldSelector: 'involvedObject.name=<pod>' } },
      logs: {
        method: 'GET',
        path: `${ns}/pods/<pod>/log`,
        query: { container: '<container>', tailLines: p.logLines, limitBytes: p.logBytes },
      },
    },
  };
}
