import { Logger, type Provider, type Type } from '@nestjs/common';
import { type GatewayConfig, type Env } from '@hub/config';
import { GitHubWebhookController } from '../github/github.controller.js';
import { GitHubSource } from '../github/github.source.js';
import { GitLabWebhookController } from '../gitlab/gitlab.controller.js';
import { GitLabSource } from '../gitlab/gitlab.source.js';
import {
  CustomWebhookController,
  EventGridWebhookController,
  PubSubWebhookController,
  SnsWebhookController,
} from './named-webhook.controllers.js';
import { PushIngestService } from './push-ingest.service.js';
import { REPLAY_STORE, ReplayStore } from './replay.store.js';
import { loadWebhooks, webhooksDirectory } from './webhook-loader.js';
import { WebhookRegistry } from './webhook-registry.js';

/**
 * The gateway's push sources (GitHub, GitLab, and the webhooks of `$HUB_CONFIG_DIR/webhooks/`), as
 * controllers and providers for `GatewayModule` (which owns `IngestService`). The webhook files
 * are loaded while the app is created: a bad one fails start-up listing every problem.
 */
export function pushSources(
  config: GatewayConfig,
  env: Env = process.env,
): { controllers: Type[]; providers: Provider[] } {
  return {
    controllers: [
      GitHubWebhookController,
      GitLabWebhookController,
      CustomWebhookController,
      SnsWebhookController,
      EventGridWebhookController,
      PubSubWebhookController,
    ],
    providers: [
      PushIngestService,
      { provide: REPLAY_STORE, useFactory: () => new ReplayStore(config.DATABASE_URL) },
      { provide: GitHubSource, useFactory: () => new GitHubSource(config.GITHUB_WEBHOOK_SECRET ?? []) },
      { provide: GitLabSource, useFactory: () => new GitLabSource(config.GITLAB_WEBHOOK_TOKEN ?? []) },
      {
        provide: WebhookRegistry,
        useFactory: async () => {
          const registry = new WebhookRegistry(await loadWebhooks(webhooksDirectory(config.HUB_CONFIG_DIR), env), env);
          const named = registry.names();
          new Logger('PushSources').log(
            `push sources: github ${config.GITHUB_WEBHOOK_SECRET ? 'on' : 'off (GITHUB_WEBHOOK_SECRET unset)'}, ` +
              `gitlab ${config.GITLAB_WEBHOOK_TOKEN ? 'on' : 'off (GITLAB_WEBHOOK_TOKEN unset)'}, ` +
              `named webhooks: ${named.length > 0 ? named.join(', ') : 'none'}`,
          );
          return registry;
        },
      },
    ],
  };
}
