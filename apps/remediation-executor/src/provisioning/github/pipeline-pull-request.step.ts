import { type ProvisioningStep, type StepContext, type StepOutcome } from '../plan/step.js';
import { type ProvisioningSettings, TEMPLATE_PLACEHOLDER } from '../provisioning.config.js';
import { type PlanRequest } from '../provisioning.request.js';
import { type GitHubClient, repoOf } from './github.client.js';

/** The branch of a request's pull request. */
export function branchOf(request: PlanRequest): string {
  return `hub/provision-${request.namespace}`;
}

/**
 * The pipeline file of `provisioning.yaml` `pipeline.template`, with its placeholders filled.
 * Values are data: each `{{ hub.field }}` becomes the request's value, never evaluated; unknown
 * placeholders were refused when the template loaded.
 */
export function renderPipeline(template: string, request: PlanRequest): string {
  const values: Record<string, string> = {
    appName: request.appName,
    namespace: request.namespace,
    ownerTeam: request.ownerTeam,
    repositoryUrl: request.repositoryUrl,
    environment: request.environment ?? '',
  };
  return template.replace(TEMPLATE_PLACEHOLDER, (_all, field: string) => values[field] ?? '');
}

/**
 * CI/CD scaffolding: a pull request on the repository adding the pipeline file, on a branch of
 * its own. Each part is found before it is made (branch, file, open pull request), so a retry or a
 * resumed plan opens one pull request. Compensation closes it and deletes the branch.
 */
export class PipelinePullRequestStep implements ProvisioningStep {
  readonly name = 'pipeline-pull-request' as const;

  constructor(
    private readonly github: GitHubClient,
    private readonly settings: ProvisioningSettings,
  ) {}

  async apply(request: PlanRequest, { signal }: StepContext): Promise<StepOutcome> {
    const repo = repoOf(request.repositoryUrl);
    const branch = branchOf(request);
    const base = await this.github.defaultBranch(repo, signal);
    await this.github.ensureBranch(repo, branch, base, signal);
    const { path } = this.settings.file.pipeline;
    const content = renderPipeline(this.settings.pipelineTemplate, request);
    const file = await this.github.ensureFile(
      repo,
      branch,
      path,
      content,
      `Add the ${request.appName} pipeline (hub)`,
      signal,
    );
    const existing = await this.github.findOpenPull(repo, branch, signal);
    const pull =
      existing ??
      (await this.github.openPull(
        repo,
        {
          head: branch,
          base,
          title: `Add the deployment pipeline of ${request.appName}`,
          body: `Opened by the hub for provisioning request ${request.id} (team ${request.ownerTeam}).\n\nAdds \`${path}\`.`,
        },
        signal,
      ));
    return {
      details: {
        ...repo,
        branch,
        path,
        fileWritten: file.written,
        pullRequest: pull.number,
        created: !existing,
        links: { pullRequest: pull.url },
      },
    };
  }

  async compensate(request: PlanRequest, { signal }: StepContext): Promise<StepOutcome> {
    const repo = repoOf(request.repositoryUrl);
    const branch = branchOf(request);
    const pull = await this.github.findOpenPull(repo, branch, signal);
    if (pull) await this.github.closePull(repo, pull.number, signal);
    await this.github.deleteBranch(repo, branch, signal);
    return { details: { ...repo, branch, closed: pull?.number ?? null } };
  }
}
