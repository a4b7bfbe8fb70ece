import { ConfigError, TeamsConfigError } from '@hub/config';
import { createLogger, PinoNestLogger } from '@hub/telemetry';
import { createTicketingApp } from './ticketing.app.js';
import { loadTicketingConfig } from './ticketing.config.js';

async function main(): Promise<void> {
  const config = loadTicketingConfig();
  const logger = new PinoNestLogger(createLogger('ticketing', config.LOG_LEVEL));
  const { app, provider, teams } = await createTicketingApp(config, { logger });
  await app.startAllMicroservices();
  await app.listen(config.HUB_METRICS_PORT, '0.0.0.0');
  logger.log(
    {
      msg: `ticketing: health and metrics on :${config.HUB_METRICS_PORT}`,
      provider: provider.mode === 'outbox' ? 'outbox (no JIRA or ServiceNow configured)' : provider.name,
      teams: teams.source,
    },
    'Main',
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof TeamsConfigError) {
    process.stderr.write(`ticketing: ${error.message}\n`);
  } else {
    process.stderr.write(`ticketing failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
