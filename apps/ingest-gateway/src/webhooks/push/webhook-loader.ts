import { join } from 'node:path';
import { configFilesError, type Env, loadYamlDirectory } from '@hub/config';
import { type WebhookDocument, webhookDocumentSchema } from './webhook.schema.js';

export enum WebhookConfigErrorCode {
  InvalidWebhooks = 'GATEWAY_INVALID_WEBHOOKS',
}

/** The webhook files do not load: every problem of every file (file, line, path), and the gateway does not start. */
export class InvalidWebhooksError extends configFilesError(WebhookConfigErrorCode.InvalidWebhooks, 'webhooks') {}

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
  const { documents, problems } = await loadYamlDirectory({
    directory,
    schema: webhookDocumentSchema(env),
    what: 'webhook',
    required: false,
    identity: (webhook) => {
      const key = `${webhook.kind}/${webhook.name}`;
      return { name: key, path: 'name', label: key };
    },
  });
  if (problems.length > 0) throw new InvalidWebhooksError(directory, problems);
  return documents.map(({ value, file }) => ({ document: value, file }));
}
