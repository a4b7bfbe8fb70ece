import { Version2Client } from 'jira.js';
import { type TicketContent, type TicketNote } from '../../tickets/ticket-content.js';
import { issueState, JIRA_ADAPTER, type JiraApi, type JiraTransition, toTransitions } from './jira-api.js';
import { wikiDescription, wikiNote } from './wiki.js';

export interface JiraServerOptions {
  host: string;
  /** A personal access token (`Authorization: Bearer`), the Data Center way. */
  pat?: string;
  /** Basic auth instead (older servers, or a service account with a password). */
  basic?: { email: string; apiToken: string };
  timeoutMs: number;
}

/**
 * JIRA Data Center / Server through jira.js's Version2Client (REST v2): rich text as wiki markup,
 * search through `/rest/api/2/search` (Data Center has no `/search/jql`). A personal access token
 * goes in as a plain `Authorization: Bearer` header — jira.js's `oauth2` option routes requests
 * through Atlassian Cloud's gateway, which a Data Center host is not.
 */
export class JiraServerApi implements JiraApi {
  readonly version = '2';
  private readonly client: Version2Client;

  constructor(options: JiraServerOptions) {
    this.client = new Version2Client({
      host: options.host,
      ...(options.basic ? { authentication: { basic: options.basic } } : {}),
      baseRequestConfig: {
        timeout: options.timeoutMs,
        adapter: JIRA_ADAPTER,
        ...(options.pat ? { headers: { Authorization: `Bearer ${options.pat}` } } : {}),
      },
    });
  }

  async createIssue(fields: Record<string, unknown>, content: TicketContent): Promise<{ key: string }> {
    const created = await this.client.issues.createIssue({
      fields: { ...fields, description: wikiDescription(content) } as never,
    });
    return { key: created.key };
  }

  async search(jql: string): Promise<string[]> {
    const result = await this.client.issueSearch.searchForIssuesUsingJql({ jql, maxResults: 5, fields: ['status'] });
    return (result.issues ?? []).flatMap((issue) => (issue.key ? [issue.key] : []));
  }

  async addComment(key: string, note: TicketNote): Promise<void> {
    await this.client.issueComments.addComment({ issueIdOrKey: key, comment: wikiNote(note) });
  }

  async getIssue(key: string): Promise<{ statusCategory?: string; resolution?: string }> {
    const issue = await this.client.issues.getIssue({ issueIdOrKey: key, fields: ['status', 'resolution'] });
    return issueState(issue.fields);
  }

  async getTransitions(key: string): Promise<JiraTransition[]> {
    const result = await this.client.issues.getTransitions({ issueIdOrKey: key });
    return toTransitions(result.transitions);
  }

  async doTransition(key: string, id: string, fields?: Record<string, unknown>, note?: TicketNote): Promise<void> {
    await this.client.issues.doTransition({
      issueIdOrKey: key,
      transition: { id },
      ...(fields ? { fields } : {}),
      ...(note ? { update: { comment: [{ add: { body: wikiNote(note) } }] } } : {}),
    });
  }
}
