import { type TeamDirectory, TeamsConfigError } from '@hub/config';
import { type ProviderKind } from '../ticketing.config.js';
import { type TicketRoute } from './ticket-content.js';

/**
 * The request's team (or the default team) → where its tickets go. A team without a JIRA project or
 * ServiceNow group of its own uses the default team's, so the default team must have one for the
 * configured provider (checked at start-up).
 */
export class TeamRouting {
  constructor(private readonly teams: TeamDirectory) {}

  /** Start-up check: the default team can take any ticket of `provider`. */
  static validate(teams: TeamDirectory, provider: ProviderKind): TeamRouting {
    const name = teams.file.defaultTeam;
    const team = teams.file.teams[name];
    if (provider === 'jira' && !team?.jira) {
      throw new TeamsConfigError(teams.source, [
        {
          file: teams.source,
          path: `teams.${name}.jira`,
          message: 'is required: tickets of teams without a JIRA project go to the default team',
        },
      ]);
    }
    return new TeamRouting(teams);
  }

  /** The route of `team`; `unknown` is set when the request named a team that is not configured. */
  route(team: string | undefined): { route: TicketRoute; unknown?: string } {
    const resolved = this.teams.team(team);
    const fallback = this.teams.team(undefined).team;
    const jira = resolved.team.jira ?? fallback.jira;
    const servicenow = resolved.team.servicenow ?? fallback.servicenow;
    return {
      route: {
        team: resolved.name,
        ...(jira ? { jira: { project: jira.project, issueType: jira.issueType, components: jira.components } } : {}),
        ...(servicenow
          ? { servicenow: { assignmentGroup: servicenow.assignmentGroup, category: servicenow.category } }
          : {}),
      },
      ...(resolved.unknown !== undefined ? { unknown: resolved.unknown } : {}),
    };
  }
}
