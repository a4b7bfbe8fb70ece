import { z } from 'zod';

/** Where an incident stands; the notifier shows it on the incident's root message. */
export const incidentStateSchema = z.enum([
  'firing',
  'remediating',
  'remediated',
  'remediation-failed',
  'escalated',
  'resolved',
]);

/**
 * Asks the notifier to tell people about an incident. Updates of one incident share
 * `incidentKey` (one Slack thread per incident); `sequence` grows with every update, so a late,
 * older update never overwrites a newer state on the root message.
 */
export const notificationRequestedSchema = z.object({
  incidentKey: z.string().min(1),
  incidentId: z.string().min(1),
  sequence: z.number().int().nonnegative(),
  state: incidentStateSchema,
  title: z.string().min(1),
  text: z.string(),
  severity: z.enum(['info', 'warning', 'critical']).default('warning'),
  fields: z.record(z.string(), z.string()).default({}),
  links: z.array(z.object({ title: z.string().min(1), url: z.string().min(1) })).default([]),
  /** A route of the notifier's routing config (`default`, `oncall`, a team…). */
  route: z.string().min(1).default('default'),
  /**
   * `incident`: one thread per incident, root edited as `state` changes (S1). `message`: a one-off
   * message to the team, no thread and no state on show (S5 deployment completed/failed).
   */
  kind: z.enum(['incident', 'message']).default('incident'),
  /** The owner team (config/teams.yaml); the notifier sends to that team's channels when set. */
  team: z.string().min(1).optional(),
  /** Mention the team's on-call (teams.yaml `oncall`) — set on escalations. */
  mention: z.boolean().default(false),
  /**
   * Who reads it by email: the team's address list (`team`, the default when absent), or its report
   * readers (`stakeholders` of teams.yaml; the S7 monthly cost report). Chat channels are the same either way.
   */
  audience: z.enum(['team', 'stakeholders']).optional(),
});

export type IncidentState = z.infer<typeof incidentStateSchema>;
export type NotificationRequested = z.output<typeof notificationRequestedSchema>;
