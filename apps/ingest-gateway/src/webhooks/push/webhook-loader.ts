import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Env, type FileProblem, formatFileProblem, parseYamlDocuments } from '@hub/config';
import { HubError } from '@hub/contracts';
import { type WebhookDocument, webhookDocumentSchema } from './webhook.schema.js';

const WEBHOOK_FILE = /\.ya?ml$/;

export enum WebhookConfigErrorCode {
  InvalidWebhooks = 'GATEWAY_INVALID_WEBHOOKS',
}

/** The webhook files do not load: every problem of every file (file, line, path), and the gateway does not start. */
export class InvalidWebhooksError extends HubError<WebhookConfigErrorCode.InvalidWebhooks> {
  readonly code = WebhookConfigErrorCode.InvalidWebhooks;
  readonly retryable = false;

  constructor(
    readonly directory: string,
    readonly problems: readonly FileProblem[],
  ) {
    super(
      `Invalid webhooks in ${directory} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatFileProblem(p)}`).join('\n'),
      { directory, problems },
    );
  }
}

/** A webhook definition with the file it came from. */
export interface WebhookDefinition {
  readonly document: WebhookDocument;
  readonly file: string;
}

/** Where webhook definitions live under the config directory. */
export function webhooksDirectory(configDir: string): string {
  return join(configDir, 'webhooks');
}

/**
 * Loads every `*.yaml` / `*.yml` of `directory` (several documents per file allowed). No directory
 * means no named webhooks. All or nothing: YAML syntax, unknown fields, a CEL expression that does
 * not compile, a secret variable that is not set, a kind + name defined twice — one
 * {@link InvalidWebhooksError} lists them all.
 */
export async function loadWebhooks(directory: string, env: Env = process.env): Promise<WebhookDefinition[]> {
  const exists = await stat(directory).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) return [];
  const schema = webhookDocumentSchema(env);
  const problems: FileProblem[] = [];
  const definitions: WebhookDefinition[] = [];
  const firstFile = new Map<string, string>();
  for (const name of (await readdir(directory)).filter((n) => WEBHOOK_FILE.test(n)).sort()) {
    const file = join(directory, name);
    const parsed = parseYamlDocuments(file, await readFile(file, 'utf8'), schema, 'webhook');
    problems.push(...parsed.problems);
    for (const { value, document } of parsed.documents) {
      const key = `${value.kind}/${value.name}`;
      const earlier = firstFile.get(key);
      if (earlier !== undefined) {
        problems.push({
          file,
          ...(document ? { document } : {}),
          path: 'name',
          message: `${key} is already defined in ${earlier}`,
        });
        continue;
      }
      firstFile.set(key, file);
      definitions.push({ document: value, file });
    }
  }
  if (problems.length > 0) throw new InvalidWebhooksError(directory, problems);
  return definitions;
}
