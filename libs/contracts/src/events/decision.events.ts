import { z } from 'zod';

/** What a person decided on an incident or a waiting approval (Slack button, `hub` CLI, `POST /v1/approvals/{id}`). */
export const DECISIONS = ['acknowledge', 'silence', 'resolve', 'approve', 'deny'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

/**
 * A person's decision, issued by the gateway once it verified who decided (Slack's signature, an
 * ingest token) and that they may (a member of the owner team or of the approvers). The sensor
 * applies it under the incident's lock: acknowledge (stops the escalation chain), silence (for
 * `silenceForMs`, or until the incident resolves when it is absent), resolve, approve / deny (one
 * decision per approval: the first wins, the others are reported as too late).
 */
export const decisionMadeSchema = z
  .object({
    decision: z.enum(DECISIONS),
    /** The incident decided on (acknowledge, silence, resolve). */
    incidentId: z.uuid().optional(),
    /** The approval decided on (approve, deny). */
    approvalId: z.string().min(1).optional(),
    /** `silence` only: how long; absent = until the incident resolves. */
    silenceForMs: z.number().int().positive().optional(),
    /** Who decided (a teams.yaml user name), as shown in the thread: "acknowledged by @alice". */
    by: z.string().min(1),
    via: z.enum(['slack', 'api', 'cli']),
    /** Why, when the person said (the API's `reason`). */
    reason: z.string().optional(),
  })
  .refine((d) => (d.decision === 'approve' || d.decision === 'deny' ? d.approvalId : d.incidentId) !== undefined, {
    message: 'approve/deny name an approvalId, the other decisions an incidentId',
  });

export type DecisionMade = z.output<typeof decisionMadeSchema>;

/** What one button of the Slack incident root decides; the button's `value` is the incident (or approval) id. */
export interface DecisionButton {
  readonly decision: DecisionKind;
  readonly label: string;
  readonly silenceForMs?: number;
}

/**
 * The buttons of the Slack incident root, by `action_id`: the notifier renders them, the gateway's
 * interactivity route reads them back (one list, so the two agree).
 */
export const DECISION_BUTTONS = {
  'hub:acknowledge': { decision: 'acknowledge', label: 'Acknowledge' },
  'hub:silence:1h': { decision: 'silence', label: 'Silence 1 h', silenceForMs: 3_600_000 },
  'hub:silence:4h': { decision: 'silence', label: 'Silence 4 h', silenceForMs: 4 * 3_600_000 },
  'hub:silence:resolved': { decision: 'silence', label: 'Silence until resolved' },
  'hub:resolve': { decision: 'resolve', label: 'Resolve' },
  'hub:approve': { decision: 'approve', label: 'Approve' },
  'hub:deny': { decision: 'deny', label: 'Deny' },
} as const satisfies Record<string, DecisionButton>;

export type DecisionButtonId = keyof typeof DECISION_BUTTONS;
