import { z } from 'zod';

/** The object a Kubernetes Event is about (`involvedObject` of v1, `regarding` of events.k8s.io/v1). */
const involvedObjectSchema = z.object({
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
});

/** A Kubernetes Event (core v1 or events.k8s.io/v1), one per increment window of its count. */
export const kubernetesEventSchema = z.object({
  /** The API the Event came from: `v1` or `events.k8s.io/v1`. */
  api: z.enum(['v1', 'events.k8s.io/v1']),
  namespace: z.string(),
  name: z.string().min(1),
  uid: z.string().min(1),
  reason: z.string(),
  type: z.string(),
  involvedObject: involvedObjectSchema,
  count: z.number().int().nonnegative(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  message: z.string().optional(),
  reportingController: z.string().optional(),
});

/** A pod whose container keeps restarting (CrashLoopBackOff), or its recovery. */
export const kubernetesPodSchema = z.object({
  namespace: z.string().min(1),
  pod: z.string().min(1),
  uid: z.string().min(1),
  container: z.string().optional(),
  restartCount: z.number().int().nonnegative(),
  reason: z.string().optional(),
  message: z.string().optional(),
  /** The Deployment the pod belongs to (through its ReplicaSet), when it has one. */
  deployment: z.string().optional(),
  labels: z.record(z.string(), z.string()).default({}),
});

/** A node whose Ready condition is not True, or that became Ready again. */
export const kubernetesNodeSchema = z.object({
  node: z.string().min(1),
  uid: z.string().min(1),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  since: z.string().optional(),
});

/** A ResourceQuota used up (used ≥ hard on some resource, or a FailedCreate "exceeded quota"), or freed. */
export const kubernetesQuotaSchema = z.object({
  namespace: z.string().min(1),
  quota: z.string().optional(),
  resources: z.array(z.object({ resource: z.string(), used: z.string(), hard: z.string() })).default([]),
  /** `usage` (from the quota's status) or `failed-create` (from a FailedCreate Event). */
  detectedBy: z.enum(['usage', 'failed-create']),
  message: z.string().optional(),
  /** The quota's labels (the `team` label that S3 provisioning sets names the owner). */
  labels: z.record(z.string(), z.string()).default({}),
  /** The labels of the quota's Namespace (event-sources reads it). */
  namespaceLabels: z.record(z.string(), z.string()).default({}),
  /** The Namespace's `team` label: who gets the ticket. */
  team: z.string().min(1).optional(),
});

/** A Deployment whose rollout passed its progress deadline (ProgressDeadlineExceeded), or that progressed again. */
export const kubernetesDeploymentSchema = z.object({
  namespace: z.string().min(1),
  deployment: z.string().min(1),
  uid: z.string().min(1),
  reason: z.string().optional(),
  message: z.string().optional(),
  generation: z.number().int().optional(),
  labels: z.record(z.string(), z.string()).default({}),
});

export type KubernetesEventData = z.output<typeof kubernetesEventSchema>;
export type KubernetesPodData = z.output<typeof kubernetesPodSchema>;
export type KubernetesNodeData = z.output<typeof kubernetesNodeSchema>;
export type KubernetesQuotaData = z.output<typeof kubernetesQuotaSchema>;
export type KubernetesDeploymentData = z.output<typeof kubernetesDeploymentSchema>;

const internal = (type: string, description: string, data: z.ZodType) =>
  ({ type, origin: 'internal', description, data }) as const;

/**
 * The `kubernetes.*` entries of the event catalog: facts the event-sources service reads from a
 * cluster. Internal: only event-sources issues them (no gateway caller can forge a cluster event).
 */
export const kubernetesEventCatalog = {
  'kubernetes.event': internal(
    'kubernetes.event',
    'A Kubernetes Event (core v1 or events.k8s.io/v1)',
    kubernetesEventSchema,
  ),
  'kubernetes.pod.crashlooping': internal('kubernetes.pod.crashlooping', 'A pod is crash-looping', kubernetesPodSchema),
  'kubernetes.pod.recovered': internal(
    'kubernetes.pod.recovered',
    'A crash-looping pod runs again (or is gone)',
    kubernetesPodSchema,
  ),
  'kubernetes.node.notready': internal('kubernetes.node.notready', 'A node is not Ready', kubernetesNodeSchema),
  'kubernetes.node.recovered': internal(
    'kubernetes.node.recovered',
    'A node is Ready again (or is gone)',
    kubernetesNodeSchema,
  ),
  'kubernetes.quota.exceeded': internal(
    'kubernetes.quota.exceeded',
    'A ResourceQuota is used up',
    kubernetesQuotaSchema,
  ),
  'kubernetes.quota.recovered': internal(
    'kubernetes.quota.recovered',
    'A used-up ResourceQuota has room again',
    kubernetesQuotaSchema,
  ),
  'kubernetes.deployment.rollout.stuck': internal(
    'kubernetes.deployment.rollout.stuck',
    'A Deployment rollout exceeded its progress deadline',
    kubernetesDeploymentSchema,
  ),
  'kubernetes.deployment.rollout.recovered': internal(
    'kubernetes.deployment.rollout.recovered',
    'A stuck Deployment rollout progresses again (or the Deployment is gone)',
    kubernetesDeploymentSchema,
  ),
} as const;
