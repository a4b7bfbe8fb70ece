import { InvalidArgumentError } from 'commander';
import { type CommandGroup } from '../command.js';
import { gateway } from '../gateway.client.js';

/** One request as `GET /v1/requests/{id}` shows it (the parts the command prints). */
interface RequestStatus {
  id: string;
  status: string;
  appName: string;
  ownerTeam: string;
  repositoryUrl: string;
  reasons: string[];
  steps: { name: string; status: string; attempts: number; startedAt: string | null; error?: string }[];
  links: Record<string, string>;
  traceId: string | null;
  createdAt: string;
}

const STATUSES = ['accepted', 'rejected', 'running', 'succeeded', 'failed', 'rolled-back'];

function formatRequest(request: RequestStatus): string {
  const width = Math.max(...request.steps.map((s) => s.name.length), 4);
  return [
    `${request.id}  ${request.status}  ${request.appName} (team ${request.ownerTeam})`,
    `  repository  ${request.repositoryUrl}`,
    `  created     ${request.createdAt}${request.traceId ? `   trace ${request.traceId}` : ''}`,
    ...request.reasons.map((reason) => `  reason      ${reason}`),
    ...request.steps.map(
      (s) => `  ${s.name.padEnd(width)}  ${s.status.padEnd(11)} attempts ${s.attempts}${s.error ? `  ${s.error}` : ''}`,
    ),
    ...Object.entries(request.links).map(([name, url]) => `  ${name.padEnd(width)}  ${url}`),
  ].join('\n');
}

/** `--status`: one of the request statuses. */
function statusOf(value: string): string {
  if (!STATUSES.includes(value)) throw new InvalidArgumentError(`must be one of ${STATUSES.join(', ')}`);
  return value;
}

/** `hub requests`: S3 provisioning requests, through the gateway's status API. */
export const requestsCommand: CommandGroup = {
  name: 'requests',
  summary: 'list provisioning requests (S3) or show one step by step',
  define(group, { io, action }) {
    group.addHelpText(
      'after',
      '\nAsks the gateway ($HUB_GATEWAY_URL, default http://127.0.0.1:8080) with $HUB_TOKEN (or the first token of\n$HUB_INGEST_TOKENS).\nExample: hub requests show 3f2c…',
    );
    action(
      group
        .command('list')
        .description('one line per request, newest first')
        .option('--status <status>', `only requests in this status (${STATUSES.join(', ')})`, statusOf)
        .option('--team <team>', 'only requests of this owner team'),
      async (options: { status?: string; team?: string }) => {
        const query = new URLSearchParams();
        if (options.status) query.set('status', options.status);
        if (options.team) query.set('team', options.team);
        const { requests } = await gateway<{ requests: RequestStatus[] }>(
          io,
          `/v1/requests${query.size ? `?${query.toString()}` : ''}`,
        );
        for (const r of requests) {
          const done = r.steps.filter((s) => s.status === 'succeeded').length;
          io.out(
            `${r.id}  ${r.status.padEnd(11)} ${r.appName.padEnd(24)} ${r.ownerTeam.padEnd(12)} ${done}/${r.steps.length} steps  ${r.createdAt}`,
          );
        }
        io.err(`${requests.length} request(s)`);
        return 0;
      },
    );
    action(
      group.command('show').description('one request, step by step').argument('<id>', 'the request id'),
      async (id: string) => {
        io.out(formatRequest(await gateway<RequestStatus>(io, `/v1/requests/${encodeURIComponent(id)}`)));
        return 0;
      },
    );
  },
};
