import { Logger } from '@nestjs/common';
import { ConfigError, type GatewayConfig, isLoopback, loadGatewayConfig } from '@hub/config';
import { createGatewayApp } from './gateway.app.js';

function loadConfig(): GatewayConfig {
  try {
    return loadGatewayConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ingest-gateway: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createGatewayApp(config);
  app.enableShutdownHooks();
  const logger = new Logger('IngestGateway');
  if (config.HUB_INGEST_TOKENS === undefined && isLoopback(config.GATEWAY_HOST)) {
    logger.warn(
      `HUB_INGEST_TOKENS is not set: listening on ${config.GATEWAY_HOST} only, open to this machine (source ` +
        '"anonymous"). Set HUB_INGEST_TOKENS=source:token,... to take events from elsewhere.',
    );
  } else if (config.HUB_INGEST_TOKENS === undefined) {
    logger.warn(
      `HUB_INGEST_OPEN=true and no HUB_INGEST_TOKENS: the gateway on ${config.GATEWAY_HOST} takes events from ` +
        'ANYONE who can reach it, recorded with source "anonymous".',
    );
  }
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.log(
    `Listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}, publishing to exchange "${config.HUB_EXCHANGE}"`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `ingest-gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
