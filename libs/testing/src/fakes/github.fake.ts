import { createHash } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-http.server.js';

/** A pull request the fake holds. */
export interface FakePullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  html_url: string;
}

interface FakeFile {
  content: string;
  sha: string;
}

/** A GitHub Actions artifact the fake holds. */
export interface FakeArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  created_at: string;
  expired: boolean;
}

interface FakeRepo {
  owner: string;
  name: string;
  defaultBranch: string;
  /** branch → commit sha */
  branches: Map<string, string>;
  /** branch → path → file */
  files: Map<string, Map<string, FakeFile>>;
  pulls: FakePullRequest[];
  artifacts: FakeArtifact[];
}

const REPO = /^\/repos\/([^/]+)\/([^/]+)$/;
const REF = /^\/repos\/([^/]+)\/([^/]+)\/git\/ref\/heads(?:\/|%2F)(.+)$/i;
const REFS = /^\/repos\/([^/]+)\/([^/]+)\/git\/refs$/;
const REF_DELETE = /^\/repos\/([^/]+)\/([^/]+)\/git\/refs\/heads(?:\/|%2F)(.+)$/i;
const CONTENTS = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/;
const PULLS = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/;
const ARTIFACTS = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts$/;
const ARTIFACT = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)$/;
const PULL = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/;

/**
 * A loopback GitHub REST API (what `@octokit/rest` speaks) for repositories, branches, file
 * contents and pull requests: `GET /repos/{o}/{r}`, `GET /git/ref/heads/{b}`, `POST /git/refs`
 * (422 "Reference already exists"), `DELETE /git/refs/heads/{b}` (422 "Reference does not exist"),
 * `GET|PUT /contents/{path}` (base64, `sha` required to replace: 422/409 as GitHub answers),
 * `GET|POST /pulls` (`head=owner:branch`, `state`; 422 "A pull request already exists"),
 * `PATCH /pulls/{n}`, Actions artifacts (`GET /actions/artifacts` paged by `per_page`/`page`,
 * `DELETE /actions/artifacts/{id}` 204, 404 when gone). A wrong token answers 401 "Bad credentials". `failNext` scripts failures
 * (500, 403 rate limit with `x-ratelimit-remaining: 0`, …) of a method and path.
 */
export class FakeGitHub extends FakeHttpServer {
  static readonly DEFAULT_TOKEN = 'ghp_fake_token';
  private readonly repos = new Map<string, FakeRepo>();
  private readonly failures: { method: string; pattern: RegExp; reply: FakeReply; remaining: number }[] = [];
  private nextPull = 1;
  private nextArtifact = 1;

  constructor(readonly token: string = FakeGitHub.DEFAULT_TOKEN) {
    super();
    const on = (method: string, pattern: RegExp, handle: (r: RecordedRequest, m: string[]) => FakeReply) =>
      this.route(method, pattern, (request) => {
        const denied = this.guard(request);
        if (denied) return denied;
        const match = pattern.exec(request.path) ?? [];
        const repo = this.repos.get(`${match[1]}/${match[2]}`);
        if (!repo) return githubError(404, 'Not Found');
        return handle(
          request,
          match.slice(3).map((part) => decodeURIComponent(part)),
        );
      });
    on('GET', REPO, (r) => ({ body: this.repoBody(this.repoOf(r)) }));
    on('GET', REF, (r, [branch = '']) => this.getRef(this.repoOf(r), branch));
    on('POST', REFS, (r) => this.createRef(this.repoOf(r), r.json as { ref?: string; sha?: string }));
    on('DELETE', REF_DELETE, (r, [branch = '']) => this.deleteRef(this.repoOf(r), branch));
    on('GET', CONTENTS, (r, [path = '']) => this.getContent(this.repoOf(r), path, r.query.get('ref')));
    on('PUT', CONTENTS, (r, [path = '']) => this.putContent(this.repoOf(r), path, r.json as Record<string, string>));
    on('GET', PULLS, (r) => ({ body: this.listPulls(this.repoOf(r), r.query) }));
    on('POST', PULLS, (r) => this.createPull(this.repoOf(r), r.json as Record<string, string>));
    on('PATCH', PULL, (r, [number = '']) =>
      this.updatePull(this.repoOf(r), Number(number), r.json as Record<string, string>),
    );
    on('GET', ARTIFACTS, (r) => ({ body: this.listArtifacts(this.repoOf(r), r.query) }));
    on('DELETE', ARTIFACT, (r, [id = '']) => this.deleteArtifact(this.repoOf(r), Number(id)));
  }

  /** A repository with one commit on its default branch (and optional files on it). */
  addRepo(fullName: string, options: { defaultBranch?: string; files?: Record<string, string> } = {}): this {
    const [owner = '', name = ''] = fullName.split('/');
    const defaultBranch = options.defaultBranch ?? 'main';
    const files = new Map<string, FakeFile>(
      Object.entries(options.files ?? {}).map(([path, content]) => [path, { content, sha: blobSha(content) }]),
    );
    this.repos.set(fullName, {
      owner,
      name,
      defaultBranch,
      branches: new Map([[defaultBranch, sha(`${fullName}:init`)]]),
      files: new Map([[defaultBranch, files]]),
      pulls: [],
      artifacts: [],
    });
    return this;
  }

  /** An Actions artifact of a repository added with `addRepo`, created at `createdAt`. */
  addArtifact(fullName: string, artifact: { name: string; createdAt: Date; sizeInBytes?: number }): FakeArtifact {
    const added: FakeArtifact = {
      id: this.nextArtifact++,
      name: artifact.name,
      size_in_bytes: artifact.sizeInBytes ?? 1024,
      created_at: artifact.createdAt.toISOString(),
      expired: false,
    };
    this.repos.get(fullName)?.artifacts.push(added);
    return added;
  }

  /** The artifacts a repository still has. */
  artifacts(fullName: string): FakeArtifact[] {
    return this.repos.get(fullName)?.artifacts ?? [];
  }

  /** Answers the next `times` requests of `method` whose path matches `pattern` with `reply`. */
  failNext(method: string, pattern: RegExp, reply: FakeReply, times = 1): this {
    this.failures.push({ method, pattern, reply, remaining: times });
    return this;
  }

  pulls(fullName: string): FakePullRequest[] {
    return this.repos.get(fullName)?.pulls ?? [];
  }

  branches(fullName: string): string[] {
    return [...(this.repos.get(fullName)?.branches.keys() ?? [])];
  }

  file(fullName: string, branch: string, path: string): string | undefined {
    return this.repos.get(fullName)?.files.get(branch)?.get(path)?.content;
  }

  private repoOf(request: RecordedRequest): FakeRepo {
    const [, owner, name] = /^\/repos\/([^/]+)\/([^/]+)/.exec(request.path) ?? [];
    return this.repos.get(`${owner}/${name}`)!;
  }

  private guard(request: RecordedRequest): FakeReply | undefined {
    const auth = request.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) return githubError(401, 'Bad credentials');
    const failure = this.failures.find(
      (f) => f.remaining > 0 && f.method === request.method && f.pattern.test(request.path),
    );
    if (!failure) return undefined;
    failure.remaining--;
    return failure.reply;
  }

  private repoBody(repo: FakeRepo) {
    const full = `${repo.owner}/${repo.name}`;
    return {
      id: 1,
      name: repo.name,
      full_name: full,
      owner: { login: repo.owner },
      default_branch: repo.defaultBranch,
      html_url: `https://github.com/${full}`,
      private: true,
    };
  }

  private getRef(repo: FakeRepo, branch: string): FakeReply {
    const commit = repo.branches.get(branch);
    if (!commit) return githubError(404, 'Not Found');
    return { body: { ref: `refs/heads/${branch}`, object: { sha: commit, type: 'commit' } } };
  }

  private createRef(repo: FakeRepo, body: { ref?: string; sha?: string }): FakeReply {
    const branch = body.ref?.replace(/^refs\/heads\//, '') ?? '';
    if (!body.ref?.startsWith('refs/') || !body.sha) return githubError(422, 'Reference update failed');
    if (repo.branches.has(branch)) return githubError(422, 'Reference already exists');
    repo.branches.set(branch, body.sha);
    const base = [...repo.branches.entries()].find(([, commit]) => commit === body.sha)?.[0] ?? repo.defaultBranch;
    repo.files.set(branch, new Map(repo.files.get(base) ?? []));
    return { status: 201, body: { ref: body.ref, object: { sha: body.sha, type: 'commit' } } };
  }

  private deleteRef(repo: FakeRepo, branch: string): FakeReply {
    if (!repo.branches.delete(branch)) return githubError(422, 'Reference does not exist');
    repo.files.delete(branch);
    return { status: 204 };
  }

  private getContent(repo: FakeRepo, path: string, ref: string | null): FakeReply {
    const file = repo.files.get(ref ?? repo.defaultBranch)?.get(path);
    if (!file) return githubError(404, 'Not Found');
    return {
      body: {
        type: 'file',
        encoding: 'base64',
        name: path.split('/').pop(),
        path,
        sha: file.sha,
        size: file.content.length,
        content: Buffer.from(file.content, 'utf8').toString('base64'),
      },
    };
  }

  private putContent(repo: FakeRepo, path: string, body: Record<string, string>): FakeReply {
    const branch = body.branch ?? repo.defaultBranch;
    const files = repo.files.get(branch);
    if (!files || !body.message || typeof body.content !== 'string') {
      return githubError(
        422,
        files ? 'Invalid request: message and content are required' : `Branch ${branch} not found`,
      );
    }
    const existing = files.get(path);
    if (existing && !body.sha) return githubError(422, `Invalid request.\n\n"sha" wasn't supplied.`);
    if (existing && body.sha !== existing.sha) return githubError(409, `${path} does not match ${body.sha}`);
    const content = Buffer.from(body.content, 'base64').toString('utf8');
    const file = { content, sha: blobSha(content) };
    files.set(path, file);
    const commit = sha(`${branch}:${path}:${file.sha}`);
    repo.branches.set(branch, commit);
    return {
      status: existing ? 200 : 201,
      body: { content: { path, sha: file.sha }, commit: { sha: commit, message: body.message } },
    };
  }

  private listPulls(repo: FakeRepo, query: URLSearchParams): FakePullRequest[] {
    const state = query.get('state') ?? 'open';
    const head = query.get('head');
    return repo.pulls
      .filter((p) => state === 'all' || p.state === state)
      .filter((p) => !head || `${repo.owner}:${p.head}` === head)
      .map((p) => this.pullBody(repo, p));
  }

  private listArtifacts(repo: FakeRepo, query: URLSearchParams) {
    const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
    const page = Math.max(Number(query.get('page') ?? 1), 1);
    const artifacts = repo.artifacts.slice((page - 1) * perPage, page * perPage);
    return { total_count: repo.artifacts.length, artifacts };
  }

  private deleteArtifact(repo: FakeRepo, id: number): FakeReply {
    const index = repo.artifacts.findIndex((a) => a.id === id);
    if (index < 0) return githubError(404, 'Not Found');
    repo.artifacts.splice(index, 1);
    return { status: 204 };
  }

  private createPull(repo: FakeRepo, body: Record<string, string>): FakeReply {
    const head = body.head ?? '';
    if (!repo.branches.has(head) || !repo.branches.has(body.base ?? '')) {
      return githubError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    }
    if (repo.pulls.some((p) => p.head === head && p.state === 'open')) {
      return githubError(422, 'Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${repo.owner}:${head}.`,
        },
      ]);
    }
    const number = this.nextPull++;
    const pull: FakePullRequest = {
      number,
      title: body.title ?? '',
      body: body.body ?? '',
      head,
      base: body.base ?? repo.defaultBranch,
      state: 'open',
      html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${number}`,
    };
    repo.pulls.push(pull);
    return { status: 201, body: this.pullBody(repo, pull) };
  }

  private updatePull(repo: FakeRepo, number: number, body: Record<string, string>): FakeReply {
    const pull = repo.pulls.find((p) => p.number === number);
    if (!pull) return githubError(404, 'Not Found');
    if (body.state === 'open' || body.state === 'closed') pull.state = body.state;
    if (body.title) pull.title = body.title;
    return { body: this.pullBody(repo, pull) };
  }

  private pullBody(repo: FakeRepo, pull: FakePullRequest) {
    return {
      ...pull,
      head: { ref: pull.head, label: `${repo.owner}:${pull.head}` },
      base: { ref: pull.base, label: `${repo.owner}:${pull.base}` },
    } as unknown as FakePullRequest;
  }
}

/** A GitHub error body: `{ message, documentation_url, errors? }`. */
function githubError(status: number, message: string, errors?: unknown[]): FakeReply {
  return {
    status,
    body: {
      message,
      documentation_url: 'https://docs.github.com/rest',
      ...(errors ? { errors } : {}),
      status: String(status),
    },
  };
}

function sha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Git's blob id of a file's content. */
function blobSha(content: string): string {
  return sha(`blob ${Buffer.byteLength(content)}\0${content}`);
}
