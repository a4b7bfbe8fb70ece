import { type LoggerService } from '@nestjs/common';
import { type GatewayConfig, isLoopback, loadGatewayConfig } from '@hub/config';
import { runMain } from '@hub/service';
import { createGatewayApp } from './gateway.app.js';

await runMain('ingest-gateway', {
  loadConfig: () => loadGatewayConfig(process.env),
  create: async (config, { logger }) => {
    const app = await createGatewayApp(config, { logger });
    app.enableShutdownHooks();
    warnIfOpen(config, logger);
    return { app };
  },
  listen: (config) => ({ port: config.GATEWAY_PORT, host: config.GATEWAY_HOST }),
  describe: (_built, config) =>
    `Listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}, publishing to exchange "${config.HUB_EXCHANGE}"`,
});

/** Without ingest tokens the gateway takes anonymous events: say so, louder when it listens beyond loopback. */
function warnIfOpen(config: GatewayConfig, logger: LoggerService): void {
  if (config.HUB_INGEST_TOKENS !== undefined) return;
  if (isLoopback(config.GATEWAY_HOST)) {
    logger.warn(
      `HUB_INGEST_TOKENS is not set: listening on ${config.GATEWAY_HOST} only, open to this machine (source ` +
        '"anonymous"). Set HUB_INGEST_TOKENS=source:token,... to take events from elsewhere.',
      'IngestGateway',
    );
  } else {
    logger.warn(
      `HUB_INGEST_OPEN=true and no HUB_INGEST_TOKENS: the gateway on ${config.GATEWAY_HOST} takes events from ` +
        'ANYONE who can reach it, recorded with source "anonymous".',
      'IngestGateway',
    );
  }
}
