import { validateAdf } from './adf.validator.js';
import { type FakeReply, type RecordedRequest } from './fake-http.server.js';
import { FakeJiraBase, type FakeJiraOptions } from './jira-base.fake.js';

export interface FakeJiraCloudOptions extends FakeJiraOptions {
  email?: string;
  apiToken?: string;
}

/**
 * JIRA Cloud REST v3 for the real jira.js Version3Client (`JIRA_HOST` = its `url`): Basic auth with
 * email + API token; descriptions and comments must be Atlassian Document Format (a plain string is
 * refused with 400, as Cloud does); search only through the enhanced `GET /rest/api/3/search/jql`
 * (`nextPageToken` paging, no `total`) — the retired `/rest/api/3/search` answers 410.
 */
export class FakeJiraCloud extends FakeJiraBase {
  constructor(private readonly cloud: FakeJiraCloudOptions = {}) {
    super('3', cloud);
    this.route('GET', /^\/rest\/api\/3\/search\/jql$/, (r) => this.guard(r, () => this.search(r)));
    this.route('GET', /^\/rest\/api\/3\/search$/, () =>
      FakeJiraBase.error(410, [
        'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.',
      ]),
    );
  }

  get email(): string {
    return this.cloud.email ?? 'hub@example.com';
  }

  get apiToken(): string {
    return this.cloud.apiToken ?? 'jira-api-token';
  }

  protected authenticate(request: RecordedRequest): FakeReply | undefined {
    const expected = `Basic ${Buffer.from(`${this.email}:${this.apiToken}`).toString('base64')}`;
    if (request.headers.authorization === expected) return undefined;
    return { status: 401, body: 'Client must be authenticated to access this resource.' };
  }

  protected richTextProblems(value: unknown): string[] {
    if (typeof value === 'string')
      return ['Operation value must be an Atlassian Document (see the Atlassian Document Format)'];
    return validateAdf(value).map((p) => `${p.path || '(document)'}: ${p.problem}`);
  }

  protected searchBody(issues: unknown[]): unknown {
    return { issues, isLast: true };
  }
}
