import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type KubernetesClient } from '../externalsecret-refresh/kubernetes.client.js';
import { formatQuantity, parseQuantity } from './quantity.js';
import { planTeamReport, QUOTA_TEAM_REPORT_KIND, teamReportParamsOf, teamSelector } from './quota-team-report.plan.js';

/** One resource of a team's quotas, summed over its namespaces. */
export interface ResourceUsage {
  hard: string;
  used: string;
  /** used / hard in percent (rounded), when hard is above zero. */
  percent?: number;
}

/** One team's part of the report. */
export interface TeamReport {
  namespaces: string[];
  resources: Record<string, ResourceUsage>;
  /** The report as a few lines of text, ready for the team's channel. */
  text: string;
}

/**
 * `quota.team-report` (S7, monthly): the ResourceQuota `status.hard` / `status.used` of every
 * namespace labelled with a team (`team=<name>`), summed per team and resource, as a report in the
 * result (`details.teams.<team>`, each with a text for the team's channel). Read-only, so a dry
 * run produces the same report.
 */
export class QuotaTeamReportAction implements Action {
  readonly kind = QUOTA_TEAM_REPORT_KIND;
  readonly readsInDryRun = true;

  constructor(private readonly client: KubernetesClient) {}

  plan(request: ActionRequested): PlannedCall {
    return planTeamReport(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const params = teamReportParamsOf(request);
    const namespaces = await this.client.listNamespaces(teamSelector(params), context.signal);
    const sums = new Map<string, { namespaces: string[]; hard: Map<string, number>; used: Map<string, number> }>();
    const unreadable: string[] = [];
    const sumsOf = (team: string) => {
      const entry = sums.get(team) ?? {
        namespaces: [] as string[],
        hard: new Map<string, number>(),
        used: new Map<string, number>(),
      };
      sums.set(team, entry);
      return entry;
    };
    for (const namespace of namespaces) {
      const name = namespace.metadata?.name ?? '';
      const team = namespace.metadata?.labels?.[params.teamLabel] ?? '';
      if (!name || !team) continue;
      const entry = sumsOf(team);
      entry.namespaces.push(name);
      for (const quota of await this.client.listResourceQuotas(name, context.signal)) {
        for (const [field, totals] of [
          ['hard', entry.hard],
          ['used', entry.used],
        ] as const) {
          const values = (quota.status?.[field] as Record<string, string> | undefined) ?? {};
          for (const [resource, text] of Object.entries(values)) {
            const value = parseQuantity(text);
            if (value === undefined) unreadable.push(`${name}/${quota.metadata?.name ?? ''} ${resource}=${text}`);
            else totals.set(resource, (totals.get(resource) ?? 0) + value);
          }
        }
      }
    }
    const teams = Object.fromEntries(
      [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([team, s]) => [team, reportOf(team, s)]),
    );
    return {
      details: {
        teamLabel: params.teamLabel,
        teams,
        summary: Object.values(teams)
          .map((t) => t.text)
          .join('\n\n'),
        ...(unreadable.length > 0 ? { unreadable } : {}),
        server: this.client.server,
      },
    };
  }
}

function reportOf(
  team: string,
  sums: { namespaces: string[]; hard: Map<string, number>; used: Map<string, number> },
): TeamReport {
  const resources: Record<string, ResourceUsage> = {};
  for (const resource of [...new Set([...sums.hard.keys(), ...sums.used.keys()])].sort()) {
    const hard = sums.hard.get(resource) ?? 0;
    const used = sums.used.get(resource) ?? 0;
    resources[resource] = {
      hard: formatQuantity(resource, hard),
      used: formatQuantity(resource, used),
      ...(hard > 0 ? { percent: Math.round((used / hard) * 100) } : {}),
    };
  }
  const lines = Object.entries(resources).map(
    ([resource, usage]) =>
      `• ${resource}: ${usage.used} of ${usage.hard}${usage.percent === undefined ? '' : ` (${usage.percent}%)`}`,
  );
  const header = `Quota report for ${team} — ${sums.namespaces.length} namespace(s): ${[...sums.namespaces].sort().join(', ')}`;
  return {
    namespaces: [...sums.namespaces].sort(),
    resources,
    text: [header, ...(lines.length > 0 ? lines : ['• no ResourceQuota'])].join('\n'),
  };
}
