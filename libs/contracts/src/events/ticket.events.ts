import { z } from 'zod';
import { incidentStateSchema } from './notification.events.js';

/**
 * Asks the ticketing service to keep one ticket per incident fingerprint:
 * - `open`: create a ticket for the fingerprint, or comment on the open one (a repeat), or reopen a
 *   recently resolved one (within the ticketing service's reopen window, unless it was closed as
 *   won't-fix); the ticketing service decides which, from its own fingerprint → ticket map;
 * - `resolve`: transition the fingerprint's open ticket to done (nothing to do when there is none).
 * The sensor emits `open` when an incident escalates (S1) or as soon as it opens (S4), and
 * `resolve` when such an incident resolves.
 */
export const ticketRequestedSchema = z.object({
  operation: z.enum(['open', 'resolve']),
  /** Dedup key of the ticket: one ticket per fingerprint at a time (usually the incident key). */
  fingerprint: z.string().min(1),
  incidentKey: z.string().min(1),
  incidentId: z.string().min(1),
  /** Owner team (config/teams.yaml) → JIRA project / ServiceNow assignment group; default team when absent. */
  team: z.string().min(1).optional(),
  state: incidentStateSchema,
  summary: z.string().min(1),
  /** Plain text; the ticketing service renders it (ADF for JIRA Cloud, wiki text for v2, text for ServiceNow). */
  description: z.string().default(''),
  severity: z.enum(['info', 'warning', 'critical']).default('warning'),
  labels: z.array(z.string().min(1)).default([]),
  fields: z.record(z.string(), z.string()).default({}),
  links: z.array(z.object({ title: z.string().min(1), url: z.string().min(1) })).default([]),
  /** The incident so far, oldest first (firing, remediation started, failed, escalated …). */
  timeline: z
    .array(z.object({ at: z.string().min(1), state: z.string().min(1), text: z.string().default('') }))
    .default([]),
  /** Why: the escalation reason, or what resolved it. */
  reason: z.string().optional(),
});

export type TicketRequested = z.output<typeof ticketRequestedSchema>;
