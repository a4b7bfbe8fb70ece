import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { parseParams } from '../params.js';

/** The action kind (routing key `action.requested.gitops.image-bump`). */
export const GITOPS_IMAGE_BUMP_KIND = 'gitops.image-bump';

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** A Docker tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const YAML_PATH = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * Params of `gitops.image-bump`; the target is the GitOps repository (`acme/gitops`). `file` is the
 * YAML file, `yamlPath` the scalar holding the tag (`image.tag`, `spec.containers.0.image` with
 * `value: image`), `image`/`tag` what was pushed. `mode: pull-request` (default) opens one branch and
 * pull request per image tag; `commit` commits to `base` (the default branch when not given).
 */
const paramsSchema = z
  .object({
    file: z
      .string()
      .min(1)
      .refine((f) => !f.startsWith('/') && !f.split('/').includes('..'), { error: 'must be a path in the repository' }),
    yamlPath: z.string().regex(YAML_PATH, { error: 'must be dot-separated keys (image.tag, containers.0.image)' }),
    image: z.string().min(1),
    tag: z.string().regex(TAG, { error: 'is no image tag' }),
    value: z.enum(['tag', 'image']).default('tag'),
    mode: z.enum(['pull-request', 'commit']).default('pull-request'),
    base: z.string().min(1).optional(),
  })
  .loose();

export type GitOpsImageBumpParams = z.output<typeof paramsSchema> & { readonly owner: string; readonly repo: string };

export function imageBumpParamsOf(request: ActionRequested): GitOpsImageBumpParams {
  if (!REPO.test(request.target)) {
    throw new InvalidActionParamsError(`invalid ${request.kind} target "${request.target}": must be owner/name`, {
      target: request.target,
    });
  }
  const params = parseParams(request, paramsSchema);
  const [owner = '', repo = ''] = request.target.split('/');
  return { ...params, owner, repo };
}

/** What the file gets at `yamlPath`: the tag, or `image:tag`. */
export function valueOf(params: GitOpsImageBumpParams): string {
  return params.value === 'image' ? `${params.image}:${params.tag}` : params.tag;
}

/** The one branch per image tag (and file): `hub/image-bump/payments-api-1.4.2`. */
export function branchOf(params: GitOpsImageBumpParams): string {
  const name = params.image
    .split('/')
    .at(-1)!
    .replace(/[^A-Za-z0-9_.-]/g, '-');
  return `hub/image-bump/${name}-${params.tag}`;
}

export function titleOf(params: GitOpsImageBumpParams): string {
  return `Deploy ${params.image}:${params.tag}`;
}

/** What `gitops.image-bump` would do on GitHub. */
export function planImageBump(request: ActionRequested): PlannedCall {
  const params = imageBumpParamsOf(request);
  return {
    integration: 'github',
    operation: 'gitops.image-bump',
    request: {
      repository: request.target,
      file: params.file,
      yamlPath: params.yamlPath,
      value: valueOf(params),
      mode: params.mode,
      ...(params.mode === 'pull-request' ? { branch: branchOf(params), title: titleOf(params) } : {}),
      ...(params.base ? { base: params.base } : {}),
    },
  };
}
