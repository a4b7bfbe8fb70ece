import { z } from 'zod';
import { positiveIntVar, urlVar } from '@hub/config';

/** A PagerDuty Events v2 integration key (the "routing key" of a service's Events API v2 integration). */
export const ROUTING_KEY = /^[A-Za-z0-9]{32}$/;
export const ROUTING_KEY_PROBLEM = 'must be a PagerDuty Events API v2 routing key (32 letters and digits)';

/** PagerDuty's variables (`PAGERDUTY_ROUTING_KEY`; without it, and no team key, pages go to the outbox). */
export const pagerDutyEnv = {
  /** The default routing key; with it set, escalations of teams that name no paging channel page here. */
  PAGERDUTY_ROUTING_KEY: z.string().regex(ROUTING_KEY, { error: ROUTING_KEY_PROBLEM }).optional(),
  /** The Events API host (`https://events.pagerduty.com`, `https://events.eu.pagerduty.com`, or a fake). */
  PAGERDUTY_EVENTS_URL: urlVar(['http', 'https']).default('https://events.pagerduty.com'),
  /** Per PagerDuty HTTP request. */
  PAGERDUTY_TIMEOUT_MS: positiveIntVar.default(10_000),
};

/** The variable of the default routing key (a team's own key is named by its `pagerduty.routingKeyEnv`). */
export const DEFAULT_ROUTING_KEY = 'PAGERDUTY_ROUTING_KEY';
