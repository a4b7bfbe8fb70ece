import { type DynamicModule, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectHubTransport, type HubRmqServer } from '@hub/messaging';

/** What {@link createHubService} builds around a service's root module. */
export interface HubServiceOptions {
  /** The service's logger; `false` silences Nest (tests), undefined is Nest's own. */
  readonly logger?: LoggerService | false;
  /** The bus consumer, attached as the app's microservice (started by `startAllMicroservices`). */
  readonly server?: HubRmqServer;
  /** Released after the app closed: what the app does not own itself (a database pool). */
  readonly onClose?: () => Promise<void>;
}

/**
 * A service's Nest app on Fastify, not yet listening: its bus consumer attached, shutdown hooks on
 * (SIGTERM closes the app: consumers drain, relays finish their pass), and `app.close()` releasing
 * what `onClose` names after the app itself.
 */
export async function createHubService(
  module: DynamicModule,
  options: HubServiceOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
    logger: options.logger ?? undefined,
  });
  if (options.server) connectHubTransport(app, options.server);
  app.enableShutdownHooks();
  const { onClose } = options;
  if (onClose) {
    const close = app.close.bind(app);
    app.close = async () => {
      await close();
      await onClose();
    };
  }
  return app;
}
