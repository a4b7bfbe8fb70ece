import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** A project the fake JIRA knows, with its issue types and components. */
export interface FakeJiraProject {
  readonly key: string;
  readonly issueTypes?: readonly string[];
  readonly components?: readonly string[];
}

export interface FakeJiraComment {
  readonly id: string;
  /** ADF (v3) or wiki text (v2), as sent. */
  readonly body: unknown;
  readonly created: string;
}

/** One issue of the fake, with its history. */
export interface FakeJiraIssue {
  readonly id: string;
  readonly key: string;
  readonly project: string;
  readonly issueType: string;
  readonly summary: string;
  readonly description: unknown;
  readonly labels: string[];
  readonly components: string[];
  status: 'To Do' | 'In Progress' | 'Done';
  resolution: string | null;
  readonly comments: FakeJiraComment[];
  /** Transition names applied, in order. */
  readonly transitions: string[];
  readonly createdAt: number;
}

export interface FakeJiraOptions {
  projects?: readonly FakeJiraProject[];
  /** Resolutions the instance has (the done transition takes one of these). */
  resolutions?: readonly string[];
  /** A new issue shows in JQL search only this long after its creation (JIRA's index lags). */
  searchLagMs?: number;
}

const CATEGORY = { 'To Do': 'new', 'In Progress': 'indeterminate', Done: 'done' } as const;
/** The workflow: id, name, the status it leads to, and whether it is offered from a done issue. */
const WORKFLOW = [
  { id: '21', name: 'Start Progress', to: 'In Progress', fromDone: false },
  { id: '31', name: 'Done', to: 'Done', fromDone: false },
  { id: '41', name: 'Reopen', to: 'To Do', fromDone: true },
] as const;

type Body = Record<string, unknown>;
type ScriptedFailure = { status: number; retryAfterSeconds?: number };

/**
 * What JIRA Cloud (REST v3) and Data Center (REST v2) have in common, at the HTTP level: issues with
 * projects, issue types, components and labels; JQL search on labels (and project / statusCategory);
 * comments; a To Do → In Progress → Done workflow with Reopen, whose transitions are offered by the
 * issue's current status; resolutions. Scripted failures: `rateLimitNext` (429 + Retry-After),
 * `failNext` (5xx), `dropNextCreate` (the issue is created, the answer lost). The version subclasses
 * add authentication and the rich-text format of each API version.
 */
export abstract class FakeJiraBase extends FakeHttpServer {
  private readonly store: FakeJiraIssue[] = [];
  private readonly projects: Map<string, FakeJiraProject>;
  private readonly resolutions: readonly string[];
  private failures: ScriptedFailure[] = [];
  private dropCreates = 0;
  private readonly counters = new Map<string, number>();
  private sequence = 0;

  protected constructor(
    protected readonly version: '2' | '3',
    protected readonly options: FakeJiraOptions,
  ) {
    super();
    this.projects = new Map(
      (options.projects ?? [{ key: 'OPS' }]).map((p) => [p.key, { issueTypes: ['Task', 'Bug'], components: [], ...p }]),
    );
    this.resolutions = options.resolutions ?? ['Done', "Won't Do", 'Duplicate', 'Cannot Reproduce'];
    const api = `/rest/api/${version}`;
    const issuePath = (suffix = '') => new RegExp(`^${api}/issue/([A-Z][A-Z0-9_]*-\\d+)${suffix}$`);
    this.route('POST', new RegExp(`^${api}/issue$`), (r) => this.guard(r, () => this.create(r)));
    this.route('GET', issuePath(), (r) => this.guard(r, () => this.get(r)));
    this.route('POST', issuePath('/comment'), (r) => this.guard(r, () => this.comment(r)));
    this.route('GET', issuePath('/transitions'), (r) => this.guard(r, () => this.listTransitions(r)));
    this.route('POST', issuePath('/transitions'), (r) => this.guard(r, () => this.transition(r)));
  }

  /** Every issue, in creation order. */
  get issues(): readonly FakeJiraIssue[] {
    return this.store;
  }

  issue(key: string): FakeJiraIssue | undefined {
    return this.store.find((i) => i.key === key);
  }

  /** Issues carrying `label`, in creation order. */
  withLabel(label: string): FakeJiraIssue[] {
    return this.store.filter((i) => i.labels.includes(label));
  }

  /** The next `count` API calls answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(count: number, retryAfterSeconds = 1): this {
    this.failures.push(...Array.from({ length: count }, () => ({ status: 429, retryAfterSeconds })));
    return this;
  }

  /** The next `count` API calls answer `status` (a 5xx). */
  failNext(status = 500, count = 1): this {
    this.failures.push(...Array.from({ length: count }, () => ({ status })));
    return this;
  }

  /** The next create makes the issue, then closes the connection without answering. */
  dropNextCreate(): this {
    this.dropCreates++;
    return this;
  }

  /** The project is archived: creating issues in it fails (400, "valid project is required"). */
  archiveProject(key: string): this {
    this.projects.delete(key);
    return this;
  }

  /** A person deletes the issue: every later call on it answers 404. */
  deleteIssue(key: string): void {
    this.store.splice(this.store.indexOf(this.mustGet(key)), 1);
  }

  /** A person closes the issue (Done status) with `resolution`, e.g. "Won't Do". */
  closeAs(key: string, resolution: string): void {
    const issue = this.mustGet(key);
    issue.status = 'Done';
    issue.resolution = resolution;
    issue.transitions.push(`(person) ${resolution}`);
  }

  /** Checks the credentials; undefined when they are fine. */
  protected abstract authenticate(request: RecordedRequest): FakeReply | undefined;
  /** Problems of a rich-text value (description, comment body) for this API version. */
  protected abstract richTextProblems(value: unknown, field: string): string[];

  protected static error(status: number, errorMessages: string[], errors: Record<string, string> = {}): FakeReply {
    return { status, body: { errorMessages, errors } };
  }

  /** Authentication and scripted failures, then `handle`. */
  protected guard(request: RecordedRequest, handle: () => FakeReply): FakeReply {
    const denied = this.authenticate(request);
    if (denied) return denied;
    const failure = this.failures.shift();
    if (failure?.status === 429) {
      return {
        status: 429,
        headers: { 'retry-after': String(failure.retryAfterSeconds ?? 1) },
        body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
      };
    }
    if (failure) return FakeJiraBase.error(failure.status, ['Internal server error']);
    return handle();
  }

  private create(request: RecordedRequest): FakeReply {
    const fields = ((request.json as Body | undefined)?.fields ?? {}) as Body;
    const errors: Record<string, string> = {};
    const projectKey = (fields.project as Body | undefined)?.key;
    const project = typeof projectKey === 'string' ? this.projects.get(projectKey) : undefined;
    if (!project) errors.project = 'valid project is required';
    const issueType = (fields.issuetype as Body | undefined)?.name;
    if (project && (typeof issueType !== 'string' || !project.issueTypes!.includes(issueType))) {
      errors.issuetype = 'Specify a valid issue type';
    }
    if (typeof fields.summary !== 'string' || fields.summary.trim() === '')
      errors.summary = 'You must specify a summary of the issue.';
    else if (fields.summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    if (fields.description !== undefined) {
      const problems = this.richTextProblems(fields.description, 'description');
      if (problems.length > 0) errors.description = problems.join('; ');
    }
    const labels = (fields.labels ?? []) as unknown[];
    const badLabel = labels.find((l) => typeof l !== 'string' || /\s/.test(l) || l.length > 255);
    if (badLabel !== undefined)
      errors.labels = `The label '${JSON.stringify(badLabel)}' contains spaces which is invalid.`;
    const components = ((fields.components ?? []) as Body[]).map((c) => String(c.name ?? c.id));
    const unknown = components.find((c) => !project?.components?.includes(c));
    if (project && unknown !== undefined) errors.components = `Component name '${unknown}' is not valid`;
    if (Object.keys(errors).length > 0) return FakeJiraBase.error(400, [], errors);

    const id = String(10_000 + ++this.sequence);
    const count = (this.counters.get(project!.key) ?? 0) + 1; // keys are never reused, even after a delete
    this.counters.set(project!.key, count);
    const issue: FakeJiraIssue = {
      id,
      key: `${project!.key}-${count}`,
      project: project!.key,
      issueType: issueType as string,
      summary: fields.summary as string,
      description: fields.description,
      labels: labels as string[],
      components,
      status: 'To Do',
      resolution: null,
      comments: [],
      transitions: [],
      createdAt: Date.now(),
    };
    this.store.push(issue);
    if (this.dropCreates > 0) {
      this.dropCreates--;
      return { drop: true };
    }
    return { status: 201, body: { id, key: issue.key, self: `${this.url}/rest/api/${this.version}/issue/${id}` } };
  }

  private get(request: RecordedRequest): FakeReply {
    const issue = this.issue(keyOf(request));
    if (!issue) return FakeJiraBase.error(404, ['Issue does not exist or you do not have permission to see it.']);
    return { body: this.render(issue) };
  }

  /** `labels = "x"`, `project = X`, `statusCategory != Done`, joined by AND, with an optional ORDER BY. */
  protected search(request: RecordedRequest): FakeReply {
    const jql = request.query.get('jql') ?? '';
    const [where = ''] = jql.split(/\s+ORDER\s+BY\s+/i);
    const tests: ((issue: FakeJiraIssue) => boolean)[] = [];
    for (const clause of where.split(/\s+AND\s+/i).filter((c) => c.trim() !== '')) {
      const match = /^\s*(labels|project|statusCategory)\s*(=|!=)\s*"?([^"]+?)"?\s*$/i.exec(clause);
      if (!match) return FakeJiraBase.error(400, [`Error in the JQL Query: unsupported clause '${clause.trim()}'.`]);
      const [, field, op, value] = match as unknown as [string, string, string, string];
      const of = (issue: FakeJiraIssue): string[] =>
        field.toLowerCase() === 'labels'
          ? issue.labels
          : field.toLowerCase() === 'project'
            ? [issue.project]
            : [issue.status === 'Done' ? 'Done' : 'not done'];
      tests.push((issue) => of(issue).includes(value) === (op === '='));
    }
    const visibleBefore = Date.now() - (this.options.searchLagMs ?? 0);
    const found = this.store
      .filter((issue) => issue.createdAt <= visibleBefore && tests.every((t) => t(issue)))
      .sort((a, b) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id));
    const max = Number(request.query.get('maxResults') ?? 50);
    return {
      body: this.searchBody(
        found.slice(0, max).map((i) => this.render(i)),
        found.length,
      ),
    };
  }

  /** The answer shape of the version's search endpoint. */
  protected abstract searchBody(issues: unknown[], total: number): unknown;

  private comment(request: RecordedRequest): FakeReply {
    const issue = this.issue(keyOf(request));
    if (!issue) return FakeJiraBase.error(404, ['Issue does not exist or you do not have permission to see it.']);
    const body = (request.json as Body | undefined)?.body;
    const problems = this.richTextProblems(body, 'comment');
    if (problems.length > 0) return FakeJiraBase.error(400, [], { comment: problems.join('; ') });
    const comment = { id: String(20_000 + ++this.sequence), body, created: new Date().toISOString() };
    issue.comments.push(comment);
    return { status: 201, body: comment };
  }

  private listTransitions(request: RecordedRequest): FakeReply {
    const issue = this.issue(keyOf(request));
    if (!issue) return FakeJiraBase.error(404, ['Issue does not exist or you do not have permission to see it.']);
    return {
      body: {
        transitions: this.offered(issue).map((t) => ({
          id: t.id,
          name: t.name,
          to: { name: t.to, statusCategory: { key: CATEGORY[t.to] } },
          hasScreen: false,
          isAvailable: true,
        })),
      },
    };
  }

  private transition(request: RecordedRequest): FakeReply {
    const issue = this.issue(keyOf(request));
    if (!issue) return FakeJiraBase.error(404, ['Issue does not exist or you do not have permission to see it.']);
    const body = (request.json ?? {}) as Body;
    const id = (body.transition as Body | undefined)?.id;
    const transition = this.offered(issue).find((t) => t.id === id);
    if (!transition) return FakeJiraBase.error(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
    const named = ((body.fields as Body | undefined)?.resolution as Body | undefined)?.name;
    const resolution = typeof named === 'string' ? named : undefined;
    if (named !== undefined && (resolution === undefined || !this.resolutions.includes(resolution))) {
      return FakeJiraBase.error(400, [], { resolution: `Resolution '${JSON.stringify(named)}' is not valid.` });
    }
    const adds = (((body.update as Body | undefined)?.comment ?? []) as Body[]).map(
      (c) => (c.add as Body | undefined)?.body,
    );
    for (const add of adds) {
      const problems = this.richTextProblems(add, 'comment');
      if (problems.length > 0) return FakeJiraBase.error(400, [], { comment: problems.join('; ') });
    }
    issue.status = transition.to;
    issue.resolution = transition.to === 'Done' ? (resolution ?? 'Done') : null;
    issue.transitions.push(transition.name);
    for (const add of adds)
      issue.comments.push({ id: String(20_000 + ++this.sequence), body: add, created: new Date().toISOString() });
    return { status: 204 };
  }

  private offered(issue: FakeJiraIssue) {
    const done = issue.status === 'Done';
    return WORKFLOW.filter((t) => t.fromDone === done && t.to !== issue.status);
  }

  private render(issue: FakeJiraIssue): unknown {
    return {
      id: issue.id,
      key: issue.key,
      self: `${this.url}/rest/api/${this.version}/issue/${issue.id}`,
      fields: {
        summary: issue.summary,
        labels: issue.labels,
        status: { name: issue.status, statusCategory: { key: CATEGORY[issue.status] } },
        resolution: issue.resolution ? { name: issue.resolution } : null,
      },
    };
  }

  private mustGet(key: string): FakeJiraIssue {
    const issue = this.issue(key);
    if (!issue) throw new Error(`no issue ${key}`);
    return issue;
  }
}

function keyOf(request: RecordedRequest): string {
  return /\/issue\/([^/]+)/.exec(request.path)?.[1] ?? '';
}
