import { Octokit } from '@octokit/rest';
import { toGitHubError } from './github.errors.js';

/** Which repository: from a repository URL such as `https://github.com/acme/payments-api.git`. */
export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

/** An open pull request the client found or made. */
export interface PullRequestRef {
  readonly number: number;
  readonly url: string;
}

/** A GitHub Actions artifact. */
export interface ArtifactRef {
  readonly id: number;
  readonly name: string;
  readonly sizeInBytes: number;
  readonly createdAt?: string;
}

export function repoOf(repositoryUrl: string): RepoRef {
  const [owner = '', repo = ''] = new URL(repositoryUrl).pathname.split('/').filter(Boolean);
  return { owner, repo: repo.replace(/\.git$/, '') };
}

/**
 * The few GitHub REST calls of the pipeline step and the GitOps image bump, through `@octokit/rest` (`GITHUB_API_URL`,
 * `GITHUB_TOKEN`). Each is create-or-find: an existing branch, identical file or open pull
 * request is taken as done. Failures leave as `GitHubRequestError`s.
 */
export class GitHubClient {
  private readonly octokit: Octokit;

  constructor(options: { url: string; token: string; requestTimeoutMs: number }) {
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: options.url.replace(/\/$/, ''),
      userAgent: 'hub-remediation-executor',
      request: { timeout: options.requestTimeoutMs },
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }

  async defaultBranch(ref: RepoRef, signal: AbortSignal): Promise<string> {
    const { data } = await this.call('repos.get', () => this.octokit.repos.get({ ...ref, request: { signal } }));
    return data.default_branch;
  }

  /** Creates `branch` at the head of `base`, unless it exists. */
  async ensureBranch(ref: RepoRef, branch: string, base: string, signal: AbortSignal): Promise<void> {
    const { data } = await this.call('git.getRef', () =>
      this.octokit.git.getRef({ ...ref, ref: `heads/${base}`, request: { signal } }),
    );
    try {
      await this.octokit.git.createRef({
        ...ref,
        ref: `refs/heads/${branch}`,
        sha: data.object.sha,
        request: { signal },
      });
    } catch (error) {
      if ((error as { status?: number }).status === 422 && /already exists/i.test(String((error as Error).message)))
        return;
      throw toGitHubError(error, 'git.createRef');
    }
  }

  /** The text of the file at `path` on `branch`, or undefined when there is none. */
  async readFile(ref: RepoRef, branch: string, path: string, signal: AbortSignal): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.repos.getContent({ ...ref, path, ref: branch, request: { signal } });
      if (Array.isArray(data) || data.type !== 'file') return undefined;
      return Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw toGitHubError(error, 'repos.getContent');
    }
  }

  /** Writes `content` at `path` on `branch`, unless it is already there. */
  async ensureFile(ref: RepoRef, branch: string, path: string, content: string, message: string, signal: AbortSignal) {
    let sha: string | undefined;
    try {
      const { data } = await this.octokit.repos.getContent({ ...ref, path, ref: branch, request: { signal } });
      if (!Array.isArray(data) && data.type === 'file') {
        if (Buffer.from(data.content, 'base64').toString('utf8') === content) return { written: false };
        sha = data.sha;
      }
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw toGitHubError(error, 'repos.getContent');
    }
    await this.call('repos.createOrUpdateFileContents', () =>
      this.octokit.repos.createOrUpdateFileContents({
        ...ref,
        path,
        branch,
        message,
        content: Buffer.from(content, 'utf8').toString('base64'),
        ...(sha ? { sha } : {}),
        request: { signal },
      }),
    );
    return { written: true };
  }

  async findOpenPull(ref: RepoRef, branch: string, signal: AbortSignal): Promise<PullRequestRef | undefined> {
    const { data } = await this.call('pulls.list', () =>
      this.octokit.pulls.list({ ...ref, head: `${ref.owner}:${branch}`, state: 'open', request: { signal } }),
    );
    const pull = data[0];
    return pull ? { number: pull.number, url: pull.html_url } : undefined;
  }

  async openPull(ref: RepoRef, pull: { head: string; base: string; title: string; body: string }, signal: AbortSignal) {
    const { data } = await this.call('pulls.create', () =>
      this.octokit.pulls.create({ ...ref, ...pull, request: { signal } }),
    );
    return { number: data.number, url: data.html_url };
  }

  async closePull(ref: RepoRef, number: number, signal: AbortSignal): Promise<void> {
    await this.call('pulls.update', () =>
      this.octokit.pulls.update({ ...ref, pull_number: number, state: 'closed', request: { signal } }),
    );
  }

  /** Deletes the branch; one already gone is fine. */
  async deleteBranch(ref: RepoRef, branch: string, signal: AbortSignal): Promise<void> {
    try {
      await this.octokit.git.deleteRef({ ...ref, ref: `heads/${branch}`, request: { signal } });
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404 || status === 422) return;
      throw toGitHubError(error, 'git.deleteRef');
    }
  }

  /** Every Actions artifact of the repository (all pages, 100 a page). */
  async listArtifacts(ref: RepoRef, signal: AbortSignal): Promise<ArtifactRef[]> {
    const artifacts: ArtifactRef[] = [];
    for (let page = 1; ; page++) {
      const { data } = await this.call('actions.listArtifactsForRepo', () =>
        this.octokit.actions.listArtifactsForRepo({ ...ref, per_page: 100, page, request: { signal } }),
      );
      for (const a of data.artifacts) {
        artifacts.push({ id: a.id, name: a.name, sizeInBytes: a.size_in_bytes, createdAt: a.created_at ?? undefined });
      }
      if (data.artifacts.length < 100 || artifacts.length >= data.total_count) return artifacts;
    }
  }

  /** Deletes an artifact; false when it was already gone. */
  async deleteArtifact(ref: RepoRef, id: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.octokit.actions.deleteArtifact({ ...ref, artifact_id: id, request: { signal } });
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw toGitHubError(error, 'actions.deleteArtifact');
    }
  }

  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toGitHubError(error, operation);
    }
  }
}
