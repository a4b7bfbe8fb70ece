import { z } from 'zod';

/** A Kubernetes resource quantity (`500m`, `2`, `1.5Gi`, `1e3`), as in ResourceQuota `spec.hard`. */
export const KUBERNETES_QUANTITY = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/**
 * The steps of every provisioning plan, in the order they run (compensation runs them backwards).
 * The gateway shows them `pending` before the executor has started the plan.
 */
export const PROVISIONING_STEPS = [
  'namespace',
  'resource-quota',
  'limit-range',
  'role-binding',
  'argocd-application',
  'pipeline-pull-request',
] as const;

export type ProvisioningStepName = (typeof PROVISIONING_STEPS)[number];

/** Where a provisioning request stands (`GET /v1/requests/{id}`). */
export const provisioningStatusSchema = z.enum([
  'accepted',
  'rejected',
  'running',
  'succeeded',
  'failed',
  'rolled-back',
]);

/** Where one step of a provisioning plan stands. */
export const provisioningStepStatusSchema = z.enum([
  'pending',
  'running',
  'succeeded',
  'failed',
  'compensated',
  'skipped',
]);

/**
 * S3 audit trail: the executor publishes one per decision (accepted, rejected with every reason)
 * and per step transition, so the SIEM forwarder records how each request went. `sequence` grows
 * with every update of one request.
 */
export const provisioningUpdatedSchema = z.object({
  requestId: z.string().min(1),
  sequence: z.number().int().nonnegative(),
  status: provisioningStatusSchema,
  appName: z.string().min(1),
  ownerTeam: z.string().min(1),
  /** The step that changed, when a step did. */
  step: z
    .object({
      name: z.string().min(1),
      status: provisioningStepStatusSchema,
      attempts: z.number().int().nonnegative(),
      error: z.string().optional(),
    })
    .optional(),
  /** Why the request was rejected, rolled back or failed. */
  reasons: z.array(z.string()).default([]),
});

export type ProvisioningStatus = z.infer<typeof provisioningStatusSchema>;
export type ProvisioningStepStatus = z.infer<typeof provisioningStepStatusSchema>;
export type ProvisioningUpdated = z.output<typeof provisioningUpdatedSchema>;
