import { z } from 'zod';
import { positiveIntVar, urlVar } from '@hub/config';

/** Opsgenie's variables (`OPSGENIE_API_KEY`; without it, alerts of teams that page through Opsgenie go to the outbox). */
export const opsgenieEnv = {
  /** An API integration's key (`Authorization: GenieKey …`); with it set, escalations of teams that name no paging channel page here too. */
  OPSGENIE_API_KEY: z.uuid({ error: 'must be an Opsgenie API integration key (a UUID)' }).optional(),
  /** `https://api.opsgenie.com`, `https://api.eu.opsgenie.com`, or a fake. */
  OPSGENIE_API_URL: urlVar(['http', 'https']).default('https://api.opsgenie.com'),
  /** Per Opsgenie HTTP request. */
  OPSGENIE_TIMEOUT_MS: positiveIntVar.default(10_000),
};

/** The one target of Opsgenie (one API key per process). */
export const OPSGENIE_TARGET = 'OPSGENIE_API_KEY';
