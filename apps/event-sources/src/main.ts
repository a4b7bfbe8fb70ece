import { ConfigError } from '@hub/config';
import { createLogger, PinoNestLogger } from '@hub/telemetry';
import { InvalidSourcesError } from './config/source.errors.js';
import { createEventSourcesApp } from './event-sources.app.js';
import { loadEventSourcesConfig } from './event-sources.config.js';

async function main(): Promise<void> {
  const config = loadEventSourcesConfig();
  const logger = new PinoNestLogger(createLogger('event-sources', config.LOG_LEVEL));
  const { app, definitions } = await createEventSourcesApp(config, { logger });
  await app.listen(config.HUB_METRICS_PORT, '0.0.0.0');
  logger.log(
    {
      msg: `event-sources: ${definitions.length} source(s); health and metrics on :${config.HUB_METRICS_PORT}`,
      sources: Object.fromEntries(definitions.map((d) => [d.name, d.file])),
    },
    'Main',
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof InvalidSourcesError) {
    process.stderr.write(`event-sources: ${error.message}\n`);
  } else {
    process.stderr.write(`event-sources failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
