import { ConfigError } from '@hub/config';
import { createLogger, PinoNestLogger } from '@hub/telemetry';
import { loadNotifierConfig } from './notifier.config.js';
import { createNotifierApp } from './notifier.app.js';
import { RoutingConfigError } from './routing/routing.errors.js';

async function main(): Promise<void> {
  const config = loadNotifierConfig();
  const logger = new PinoNestLogger(createLogger('notifier', config.LOG_LEVEL));
  const { app, routing, channels } = await createNotifierApp(config, { logger });
  await app.startAllMicroservices();
  await app.listen(config.HUB_METRICS_PORT, '0.0.0.0');
  const source = routing.source.kind === 'file' ? routing.source.file : 'built-in default (no routing file)';
  logger.log(
    {
      msg: `notifier: health and metrics on :${config.HUB_METRICS_PORT}`,
      routing: source,
      routes: Object.keys(routing.routes),
      channels: Object.fromEntries(channels.map((c) => [c.name, c.mode])),
    },
    'Main',
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RoutingConfigError) {
    process.stderr.write(`notifier: ${error.message}\n`);
  } else {
    process.stderr.write(`notifier failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
