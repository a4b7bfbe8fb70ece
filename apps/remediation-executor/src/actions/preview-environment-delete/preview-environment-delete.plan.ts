import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { type ObjectRef } from '../../provisioning/kubernetes/kubernetes-objects.client.js';
import {
  PREVIEW_ENVIRONMENT_DELETE_KIND,
  previewParamsOf,
  type PreviewEnvironmentParams,
} from '../preview-environment-create/preview-environment.plan.js';

export { PREVIEW_ENVIRONMENT_DELETE_KIND };

/** What is deleted, Application first (so Argo CD does not sync into a namespace going away). */
export function previewRefs(params: PreviewEnvironmentParams): [ObjectRef, ObjectRef] {
  return [
    { kind: 'Application', name: params.namespace, namespace: params.argocdNamespace },
    { kind: 'Namespace', name: params.namespace },
  ];
}

/** What `preview.environment.delete` sends: a read of the namespace (is it this PR's preview?), two deletes. */
export function planPreviewDelete(request: ActionRequested): PlannedCall {
  const params = previewParamsOf(request);
  return {
    integration: 'kubernetes',
    operation: 'preview.delete',
    request: {
      check: { kind: 'Namespace', name: params.namespace, labels: { preview: 'true', app: params.app, pr: params.pr } },
      deletes: previewRefs(params),
    },
  };
}
