import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { type FileProblem, loadTeams, loadYamlFile, type TeamDirectory } from '@hub/config';
import { KUBERNETES_QUANTITY } from '@hub/contracts';
import { InvalidProvisioningConfigError } from './provisioning.errors.js';

const quantity = z
  .string()
  .regex(KUBERNETES_QUANTITY, { error: 'must be a Kubernetes quantity such as 500m, 2 or 4Gi' });
const quota = z.strictObject({ cpu: quantity, memory: quantity, pods: z.number().int().positive().optional() });
const resources = z.strictObject({ cpu: quantity, memory: quantity });
const hostName = z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, { error: 'must be a host name such as github.com' });

/** `$HUB_CONFIG_DIR/provisioning.yaml`: who may ask for what (S3 policy) and how the plan builds it. */
export const provisioningFileSchema = z.strictObject({
  /** The teams that may request; a team not listed here is refused. Each with its quota ceiling. */
  teams: z.record(z.string(), z.strictObject({ quotaCeiling: quota })),
  /** Where repositories may live: host and, optionally, the organisations allowed on it. */
  repositories: z.array(z.strictObject({ host: hostName, orgs: z.array(z.string().min(1)).optional() })).min(1),
  defaults: z
    .strictObject({
      quota: quota.default({ cpu: '2', memory: '4Gi', pods: 20 }),
      limitRange: z
        .strictObject({ defaultRequest: resources, default: resources })
        .default({ defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '512Mi' } }),
      /** The ClusterRole the team's group gets in its namespace. */
      clusterRole: z.string().min(1).default('edit'),
    })
    .prefault({}),
  argocd: z
    .strictObject({
      namespace: z.string().min(1).default('argocd'),
      project: z.string().min(1).default('default'),
      path: z.string().min(1).default('deploy'),
      targetRevision: z.string().min(1).default('HEAD'),
      /** The Argo CD UI, for the link in the status and the notification. */
      url: z.url().optional(),
    })
    .prefault({}),
  pipeline: z
    .strictObject({
      /** The pipeline file's template, relative to the config directory. */
      template: z.string().min(1).default('provisioning/pipeline.yaml'),
      /** Where the pull request adds it in the repository. */
      path: z.string().min(1).default('.github/workflows/hub-deploy.yaml'),
    })
    .prefault({}),
});

export type ProvisioningFile = z.output<typeof provisioningFileSchema>;

/** The loaded policy and plan settings, the teams, and the pipeline template's text. */
export interface ProvisioningSettings {
  readonly file: ProvisioningFile;
  readonly teams: TeamDirectory;
  readonly pipelineTemplate: string;
  readonly source: string;
}

/**
 * The placeholders a pipeline template may use, as `{{ hub.<field> }}` (other `{{ }}`, such as
 * GitHub Actions expressions, are left alone); an unknown `hub.` field is a load error.
 */
export const TEMPLATE_FIELDS = ['appName', 'namespace', 'ownerTeam', 'repositoryUrl', 'environment'] as const;

/** `{{ hub.appName }}`: a placeholder of a pipeline template. */
export const TEMPLATE_PLACEHOLDER = /\{\{\s*hub\.([A-Za-z]*)\s*\}\}/g;

/**
 * Reads `provisioning.yaml` and the teams, and checks them together: every team it names is in
 * teams.yaml, the pipeline template exists and uses only known placeholders. All problems are
 * listed in one error (file, line, path). Undefined when the file does not exist: provisioning
 * is then off, and requests end `rejected` saying so.
 */
export async function loadProvisioningSettings(configDir: string): Promise<ProvisioningSettings | undefined> {
  const file = join(configDir, 'provisioning.yaml');
  const { value: parsed, problems, missing } = await loadYamlFile(file, provisioningFileSchema, 'provisioning policy');
  if (missing) return undefined;
  if (!parsed) throw new InvalidProvisioningConfigError(file, problems);
  const teams = await loadTeams(configDir);
  const all: FileProblem[] = [...problems];
  for (const name of teams.unknownTeams(Object.keys(parsed.teams))) {
    all.push({ file, path: `teams.${name}`, message: `is not a team of ${teams.source} (${teams.names.join(', ')})` });
  }
  const templateFile = isAbsolute(parsed.pipeline.template)
    ? parsed.pipeline.template
    : join(configDir, parsed.pipeline.template);
  let pipelineTemplate = '';
  try {
    pipelineTemplate = await readFile(templateFile, 'utf8');
    for (const [, field = ''] of pipelineTemplate.matchAll(TEMPLATE_PLACEHOLDER)) {
      if (!(TEMPLATE_FIELDS as readonly string[]).includes(field)) {
        all.push({
          file: templateFile,
          path: `{{ hub.${field} }}`,
          message: `is no placeholder (use ${TEMPLATE_FIELDS.map((f) => `{{ hub.${f} }}`).join(', ')})`,
        });
      }
    }
  } catch (error) {
    all.push({
      file,
      path: 'pipeline.template',
      message: `${templateFile} cannot be read: ${(error as Error).message}`,
    });
  }
  if (all.length > 0) throw new InvalidProvisioningConfigError(file, all);
  return { file: parsed, teams, pipelineTemplate, source: file };
}
