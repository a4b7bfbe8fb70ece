import { Version3Client } from 'jira.js';
import { type TicketContent, type TicketNote } from '../../tickets/ticket-content.js';
import { adfDescription, adfNote } from './adf.js';
import { issueState, JIRA_ADAPTER, type JiraApi, type JiraTransition, toTransitions } from './jira-api.js';

export interface JiraCloudOptions {
  host: string;
  email: string;
  apiToken: string;
  timeoutMs: number;
}

/**
 * JIRA Cloud through jira.js's Version3Client (REST v3): rich text in the Atlassian Document
 * Format, Basic auth with an API token, search through the enhanced JQL search (`/search/jql`;
 * the old `/search` is gone on Cloud).
 */
export class JiraCloudApi implements JiraApi {
  readonly version = '3';
  private readonly client: Version3Client;

  constructor(options: JiraCloudOptions) {
    this.client = new Version3Client({
      host: options.host,
      authentication: { basic: { email: options.email, apiToken: options.apiToken } },
      baseRequestConfig: { timeout: options.timeoutMs, adapter: JIRA_ADAPTER },
    });
  }

  async createIssue(fields: Record<string, unknown>, content: TicketContent): Promise<{ key: string }> {
    const created = await this.client.issues.createIssue({
      fields: { ...fields, description: adfDescription(content) } as never,
    });
    return { key: created.key };
  }

  async search(jql: string): Promise<string[]> {
    const result = await this.client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql,
      maxResults: 5,
      fields: ['status'],
    });
    return (result.issues ?? []).flatMap((issue) => (issue.key ? [issue.key] : []));
  }

  async addComment(key: string, note: TicketNote): Promise<void> {
    await this.client.issueComments.addComment({ issueIdOrKey: key, comment: adfNote(note) });
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
      ...(note ? { update: { comment: [{ add: { body: adfNote(note) } }] } } : {}),
    });
  }
}
