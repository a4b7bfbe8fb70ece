import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, ROOT } from './deploy-files.js';

/** A rendered Kubernetes object (the fields the tests read). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** `helm template` where Helm is installed, else the project's stand-in (shared/tools/helm-render). */
function renderer(): { command: string; args: string[] } {
  const helm = spawnSync('helm', ['version', '--short'], { encoding: 'utf8' });
  if (helm.status === 0) return { command: 'helm', args: ['template'] };
  const standIn = join(ROOT, '../shared/tools/helm-render/helm-render');
  if (!existsSync(standIn)) {
    throw new Error(`neither helm nor ${standIn} is available to render the chart`);
  }
  return { command: standIn, args: [] };
}

export class RenderError extends Error {}

/** Renders helm/hub as release `hub` in namespace `hub` with the given values files (and inline values). */
export function renderChart(valuesFiles: string[] = [], inline?: string): K8sObject[] {
  const files = [...valuesFiles];
  if (inline !== undefined) {
    const path = join(mkdtempSync(join(tmpdir(), 'hub-chart-')), 'values.yaml');
    writeFileSync(path, inline);
    files.push(path);
  }
  const { command, args } = renderer();
  const result = spawnSync(
    command,
    [...args, 'hub', CHART_DIR, '--namespace', 'hub', ...files.flatMap((file) => ['-f', file])],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
  );
  if (result.status !== 0) throw new RenderError(`${command} failed: ${result.stderr || result.error?.message}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw new RenderError(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}
