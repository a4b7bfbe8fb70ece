import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { type CustomResourceType } from '../externalsecret-refresh/kubernetes.client.js';
import { assertKubernetesNames, parseParams } from '../params.js';

/** The action kind (routing key `action.requested.certmanager.check-renew`). */
export const CERTMANAGER_CHECK_RENEW_KIND = 'certmanager.check-renew';

export const CERTIFICATES: CustomResourceType = { group: 'cert-manager.io', version: 'v1', plural: 'certificates' };

const paramsSchema = z
  .object({
    /** Renew certificates whose `status.notAfter` is within this many days. */
    renewWithinDays: z.coerce.number().int().min(1).max(365).default(30),
    /** Only this namespace; empty or absent: every namespace. */
    namespace: z.string().optional(),
  })
  .loose();

export type CertificateCheckParams = z.output<typeof paramsSchema>;

export function certificateCheckParamsOf(request: ActionRequested): CertificateCheckParams {
  const params = parseParams(request, paramsSchema);
  const namespace = params.namespace?.trim() || undefined;
  assertKubernetesNames(request, { namespace: [namespace, 'label'] });
  return { ...params, namespace };
}

/** The `Issuing` condition `cmctl renew` sets on a Certificate's status to make cert-manager re-issue it. */
export function issuingCondition(generation: number | undefined, now = new Date()): Record<string, unknown> {
  return {
    type: 'Issuing',
    status: 'True',
    reason: 'ManuallyTriggered',
    message: 'Certificate re-issuance manually triggered',
    lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
}

/** What a check sends, for dry runs and the outbox. */
export function planCertificateCheck(request: ActionRequested): PlannedCall {
  const { renewWithinDays, namespace } = certificateCheckParamsOf(request);
  const base = `/apis/${CERTIFICATES.group}/${CERTIFICATES.version}`;
  return {
    integration: 'kubernetes',
    operation: 'certificates.check-renew',
    request: {
      list: {
        method: 'GET',
        path: namespace ? `${base}/namespaces/${namespace}/certificates` : `${base}/certificates`,
      },
      renewWithinDays,
      renew: {
        method: 'PATCH',
        path: `${base}/namespaces/<namespace>/certificates/<name>/status`,
        contentType: 'application/merge-patch+json',
        body: { status: { conditions: ['…', issuingCondition(undefined)] } },
        for: `each Certificate whose status.notAfter is within ${renewWithinDays} days`,
      },
    },
  };
}
