import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type GitHubClient, type RepoRef } from '../../provisioning/github/github.client.js';
import { GitOpsFileError } from './gitops-image-bump.errors.js';
import {
  branchOf,
  GITOPS_IMAGE_BUMP_KIND,
  type GitOpsImageBumpParams,
  imageBumpParamsOf,
  planImageBump,
  titleOf,
  valueOf,
} from './gitops-image-bump.plan.js';
import { setYamlScalar } from './yaml-edit.js';

/**
 * `gitops.image-bump` ("image pushed → update the image tag in the GitOps repo → Argo CD deploys"):
 * reads the YAML file from the base branch, sets the scalar at `yamlPath` to the pushed tag with the
 * `yaml` Document API (comments and layout stay), and opens one pull request per image tag from the
 * branch `hub/image-bump/<image>-<tag>` — or commits to the base branch (`mode: commit`). Idempotent:
 * an open pull request of that branch, or a file already at the tag, is reported and nothing is
 * written again.
 */
export class GitOpsImageBumpAction implements Action {
  readonly kind = GITOPS_IMAGE_BUMP_KIND;

  constructor(private readonly client: GitHubClient) {}

  plan(request: ActionRequested): PlannedCall {
    return planImageBump(request);
  }

  async run(request: ActionRequested, { signal }: ActionContext): Promise<ActionOutcome> {
    const params = imageBumpParamsOf(request);
    const ref: RepoRef = { owner: params.owner, repo: params.repo };
    const base = params.base ?? (await this.client.defaultBranch(ref, signal));
    const value = valueOf(params);
    const details = { repository: request.target, file: params.file, yamlPath: params.yamlPath, value, base };
    const message = `${titleOf(params)}\n\nSet ${params.yamlPath} in ${params.file} to ${value} (hub: registry.image.pushed).`;
    if (params.mode === 'pull-request') {
      const branch = branchOf(params);
      const open = await this.client.findOpenPull(ref, branch, signal);
      if (open) return { details: { ...details, branch, pullRequest: open, created: false } };
      const edit = await this.edit(ref, base, params, value, signal);
      if (!edit.changed) return { details: { ...details, changed: false, note: `${base} is at ${value} already` } };
      await this.client.ensureBranch(ref, branch, base, signal);
      await this.client.ensureFile(ref, branch, params.file, edit.content, message, signal);
      const pullRequest = await this.client.openPull(
        ref,
        { head: branch, base, title: titleOf(params), body: message.split('\n\n')[1]! },
        signal,
      );
      return { details: { ...details, branch, previous: edit.previous, pullRequest, created: true } };
    }
    const edit = await this.edit(ref, base, params, value, signal);
    if (!edit.changed) return { details: { ...details, changed: false, note: `${base} is at ${value} already` } };
    await this.client.ensureFile(ref, base, params.file, edit.content, message, signal);
    return { details: { ...details, previous: edit.previous, committed: true } };
  }

  private async edit(ref: RepoRef, base: string, params: GitOpsImageBumpParams, value: string, signal: AbortSignal) {
    const content = await this.client.readFile(ref, base, params.file, signal);
    if (content === undefined) {
      throw new GitOpsFileError(`${params.file} does not exist on ${base} of ${ref.owner}/${ref.repo}`, {
        file: params.file,
      });
    }
    try {
      return setYamlScalar(content, params.yamlPath, value);
    } catch (error) {
      if (!(error instanceof GitOpsFileError)) throw error;
      throw new GitOpsFileError(`${params.file} of ${ref.owner}/${ref.repo}: ${error.message}`, { file: params.file });
    }
  }
}
