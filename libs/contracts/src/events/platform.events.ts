import { z } from 'zod';
import { DNS1123_LABEL } from '../kubernetes-names.js';
import { KUBERNETES_QUANTITY } from './provisioning.events.js';

const quantity = z
  .string()
  .regex(KUBERNETES_QUANTITY, { error: 'must be a Kubernetes quantity such as 500m, 2 or 4Gi' });

/** S3: a developer-portal request for a new application's platform resources. */
export const provisioningRequestedSchema = z.object({
  appName: z.string().regex(DNS1123_LABEL, { error: 'must be a DNS-1123 label' }),
  repositoryUrl: z.url(),
  ownerTeam: z.string().min(1),
  /** Who asked (a Backstage user ref such as `user:default/alice`); checked against the team's members. */
  requestedBy: z.string().min(1).optional(),
  environment: z.string().regex(DNS1123_LABEL, { error: 'must be a DNS-1123 label' }).optional(),
  quota: z.object({ cpu: quantity, memory: quantity, pods: z.number().int().positive().optional() }).optional(),
});

/** S5: a deployment finished, well or badly, reported by CI/CD or Argo CD. */
export const deploymentSchema = z.object({
  app: z.string().min(1),
  environment: z.string().min(1),
  version: z.string().optional(),
  team: z.string().optional(),
  url: z.string().optional(),
  reason: z.string().optional(),
});

/** S4: a policy engine (Kyverno, Falco, …) reported a violation. */
export const policyViolatedSchema = z.object({
  policy: z.string().min(1),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  resource: z.string().min(1),
  namespace: z.string().optional(),
  message: z.string().min(1),
});

/** S4: the violation is gone (the resource passes the policy again, or was deleted): resolves its incident. */
export const policyResolvedSchema = z.object({
  policy: z.string().min(1),
  resource: z.string().min(1),
  namespace: z.string().optional(),
  message: z.string().optional(),
});

/** S6: a service's health changed. */
export const serviceHealthSchema = z.object({
  service: z.string().min(1),
  component: z.string().optional(),
  message: z.string().optional(),
});

/** S7: a schedule fired; the routing key ends in the schedule's name. */
export const scheduleFiredSchema = z.object({
  schedule: z.string().min(1),
  /** The slot (UTC): the same on every replica, so the event id and incident key derive from it. */
  scheduledAt: z.iso.datetime({ offset: true }),
  params: z.record(z.string(), z.unknown()).default({}),
  /** The schedule's IANA time zone. */
  timezone: z.string().optional(),
  /** The slot as wall-clock time with offset in that zone (`2026-03-29T03:30:00+02:00`). */
  localTime: z.iso.datetime({ offset: true }).optional(),
  /** True when the slot was missed (no scheduler ran) and fired later by the catch-up policy. */
  catchUp: z.boolean().optional(),
});

export type ProvisioningRequested = z.infer<typeof provisioningRequestedSchema>;
export type Deployment = z.infer<typeof deploymentSchema>;
export type PolicyViolated = z.infer<typeof policyViolatedSchema>;
export type PolicyResolved = z.infer<typeof policyResolvedSchema>;
export type ServiceHealth = z.infer<typeof serviceHealthSchema>;
export type ScheduleFired = z.infer<typeof scheduleFiredSchema>;
