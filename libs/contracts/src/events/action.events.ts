import { z } from 'zod';

/** Asks the remediation executor to run one action; the routing key ends in the action kind. */
export const actionRequestedSchema = z.object({
  actionId: z.string().min(1),
  kind: z.string().min(1),
  target: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  dryRun: z.boolean().default(false),
});

/** The outcome of one action run. */
export const actionResultSchema = z.object({
  actionId: z.string().min(1),
  kind: z.string().min(1),
  target: z.string().min(1),
  attempts: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  dryRun: z.boolean().default(false),
  reason: z.string().optional(),
  /** What the target system reported (Argo CD operation phase and revision, …). */
  details: z.record(z.string(), z.unknown()).default({}),
});

export type ActionRequested = z.output<typeof actionRequestedSchema>;
export type ActionResult = z.output<typeof actionResultSchema>;
