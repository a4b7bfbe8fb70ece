import { z } from 'zod';
import { provisioningRequestedSchema } from '@hub/contracts';
import { type TeamDirectory } from '@hub/config';

/** Backstage owner refs (`group:default/payments`) name the team `payments`, as elsewhere in the hub. */
export function teamNameOf(ownerRef: string): string {
  return ownerRef.replace(/^group:(?:default\/)?/, '');
}

/** Longest `Idempotency-Key` kept (longer ones are refused with 400 rather than cut). */
export const MAX_IDEMPOTENCY_KEY = 200;

/**
 * `POST /v1/requests` body: the `provisioning.requested` data (appName a DNS-1123 label, an
 * http(s) repository URL, quota quantities), with `ownerTeam` a team of `config/teams.yaml`.
 * Unknown fields are refused so a typo (`quotas`) is not silently ignored.
 */
export function requestBodySchema(teams: TeamDirectory) {
  return provisioningRequestedSchema
    .extend({
      repositoryUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of the repository' }),
      ownerTeam: z
        .string({ error: 'must be a team name' })
        .min(1, { error: 'must be a team name' })
        .transform(teamNameOf)
        .refine((name) => teams.has(name), {
          error: (issue) => `"${String(issue.input)}" is not a team of ${teams.source} (${teams.names.join(', ')})`,
        }),
    })
    .strict();
}

export type RequestBody = z.output<ReturnType<typeof requestBodySchema>>;
