import { z } from 'zod';
import { type ActionRequested, kubernetesName } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { assertKubernetesNames, parseParams } from '../params.js';
import { type WorkflowSubmit } from './argo-workflows.client.js';

/** The action kind (routing key `action.requested.argo-workflows.submit`). */
export const ARGO_WORKFLOWS_SUBMIT_KIND = 'argo-workflows.submit';

/** The label that ties a workflow to the action that submitted it (so a resumed run does not submit twice). */
export const ACTION_ID_LABEL = 'hub.io/action-id';

const paramsSchema = z
  .object({
    namespace: kubernetesName('label').optional(),
    workflowTemplate: kubernetesName('subdomain').optional(),
    /** Workflow parameters (`-p name=value`). */
    parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  })
  .loose();

/** What a request submits: target `<namespace>/<template>` or params `{ namespace, workflowTemplate }`. */
export function workflowSubmitOf(request: ActionRequested): WorkflowSubmit {
  const params = parseParams(request, paramsSchema);
  const [targetNamespace, targetTemplate] = request.target.includes('/') ? request.target.split('/', 2) : [];
  const namespace = params.namespace ?? targetNamespace;
  const template = params.workflowTemplate ?? targetTemplate;
  if (!namespace || !template) {
    throw new InvalidActionParamsError(
      `argo-workflows.submit needs a target "<namespace>/<workflowTemplate>" or params { namespace, workflowTemplate } (got "${request.target}")`,
      { target: request.target, params: request.params },
    );
  }
  assertKubernetesNames(request, { namespace: [namespace, 'label'], workflowTemplate: [template, 'subdomain'] });
  return {
    namespace,
    template,
    parameters: Object.entries(params.parameters).map(([name, value]) => `${name}=${String(value)}`),
    labels: `${ACTION_ID_LABEL}=${labelValue(request.actionId)}`,
  };
}

/** What a submit sends, for dry runs and the outbox. */
export function planWorkflowSubmit(request: ActionRequested): PlannedCall {
  const submit = workflowSubmitOf(request);
  return {
    integration: 'argo-workflows',
    operation: 'workflow.submit',
    request: {
      method: 'POST',
      path: `/api/v1/workflows/${submit.namespace}/submit`,
      body: {
        resourceKind: 'WorkflowTemplate',
        resourceName: submit.template,
        submitOptions: { parameters: submit.parameters, labels: submit.labels },
      },
      then: `GET /api/v1/workflows/${submit.namespace}/<name> until status.phase is Succeeded, Failed or Error`,
    },
  };
}

/** A label value (63 characters of [A-Za-z0-9_.-]) for an action id. */
function labelValue(actionId: string): string {
  return actionId
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
