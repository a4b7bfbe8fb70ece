import { z } from 'zod';
import { parseDuration } from '../expressions/duration.js';

/**
 * A trigger's `approval:` gate: the remediation waits (in PostgreSQL, `approvals`) until one of
 * `approvers` (a team or a group of teams.yaml) approves or denies it — from Slack, `hub approve|deny`
 * or `POST /v1/approvals/{id}` — or `timeout` passes, when `onTimeout` decides.
 */
export const approvalSchema = z.strictObject({
  required: z.boolean().default(true),
  approvers: z.string().min(1, { error: 'must name a team or a group of teams.yaml' }),
  timeout: z
    .union([z.string(), z.number()])
    .default('30m')
    .transform((value, ctx) => {
      try {
        const ms = parseDuration(String(value));
        if (ms > 0) return ms;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: `"${String(value)}" is not a positive duration (like 30m)` });
      return z.NEVER;
    }),
  onTimeout: z.enum(['deny', 'proceed']).default('deny'),
});

export type ApprovalSpec = z.output<typeof approvalSchema>;

/** The gate as the incident keeps it with its remediation (`context.action.approval`). */
export interface ApprovalPlan {
  readonly approvers: string;
  readonly timeoutMs: number;
  readonly onTimeout: 'deny' | 'proceed';
}

/** The plan of a trigger's gate, when it requires one. */
export function approvalPlanOf(spec: ApprovalSpec | undefined): { approval: ApprovalPlan } | Record<string, never> {
  return spec?.required
    ? { approval: { approvers: spec.approvers, timeoutMs: spec.timeout, onTimeout: spec.onTimeout } }
    : {};
}

/** Only the remediation (the first `on: open` trigger) is tracked, so only it can wait for a decision. */
export function checkApprovals(
  triggers: readonly { on: 'open' | 'resolve'; approval?: ApprovalSpec | undefined }[],
  ctx: z.RefinementCtx,
): void {
  const remediation = triggers.findIndex((t) => t.on === 'open');
  for (const [index, trigger] of triggers.entries()) {
    if (trigger.approval && index !== remediation) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'approval'],
        message: 'only the remediation (the first `on: open` trigger) can wait for an approval',
      });
    }
  }
}
