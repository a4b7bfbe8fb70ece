import { type FakeReply, type RecordedRequest } from './fake-http.server.js';
import { FakeJiraBase, type FakeJiraOptions } from './jira-base.fake.js';

export interface FakeJiraServerOptions extends FakeJiraOptions {
  /** The personal access token accepted as `Authorization: Bearer`. */
  pat?: string;
}

/**
 * JIRA Data Center / Server REST v2 for the real jira.js Version2Client: a personal access token as
 * `Authorization: Bearer`; descriptions and comments are wiki-markup strings (an ADF object is
 * refused with 400); search through `GET /rest/api/2/search` (`startAt`/`total` paging).
 */
export class FakeJiraServer extends FakeJiraBase {
  constructor(private readonly serverOptions: FakeJiraServerOptions = {}) {
    super('2', serverOptions);
    this.route('GET', /^\/rest\/api\/2\/search$/, (r) => this.guard(r, () => this.search(r)));
  }

  get pat(): string {
    return this.serverOptions.pat ?? 'jira-personal-access-token';
  }

  protected authenticate(request: RecordedRequest): FakeReply | undefined {
    if (request.headers.authorization === `Bearer ${this.pat}`) return undefined;
    return FakeJiraBase.error(401, ['You are not authenticated. Authentication required to perform this operation.']);
  }

  protected richTextProblems(value: unknown): string[] {
    return typeof value === 'string' ? [] : ['Operation value must be a string'];
  }

  protected searchBody(issues: unknown[], total: number): unknown {
    return { startAt: 0, maxResults: issues.length, total, issues };
  }
}
