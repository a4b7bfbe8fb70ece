import { ConfigError } from '@hub/config';
import { createLogger, PinoNestLogger } from '@hub/telemetry';
import { loadSiemForwarderConfig } from './siem-forwarder.config.js';
import { createSiemForwarderApp } from './siem-forwarder.app.js';

async function main(): Promise<void> {
  const config = loadSiemForwarderConfig();
  const logger = new PinoNestLogger(createLogger('siem-forwarder', config.LOG_LEVEL));
  const { app, sinks } = await createSiemForwarderApp(config, { logger });
  await app.startAllMicroservices();
  await app.listen(config.HUB_METRICS_PORT, '0.0.0.0');
  logger.log(
    `siem-forwarder: sinks ${sinks.map((sink) => `${sink.name} → ${sink.target}`).join(', ')}; ` +
      `health and metrics on :${config.HUB_METRICS_PORT}`,
    'Main',
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`siem-forwarder: ${error.message}\n`);
  } else {
    process.stderr.write(`siem-forwarder failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
