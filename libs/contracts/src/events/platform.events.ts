import { z } from 'zod';
import { DNS1123_LABEL } from '../kubernetes-names.js';

/** S3: a developer-portal request for a new application's platform resources. */
export const provisioningRequestedSchema = z.object({
  appName: z.string().regex(DNS1123_LABEL, { error: 'must be a DNS-1123 label' }),
  repositoryUrl: z.url(),
  ownerTeam: z.string().min(1),
  quota: z
    .object({ cpu: z.string().min(1), memory: z.string().min(1), pods: z.number().int().positive().optional() })
    .optional(),
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
