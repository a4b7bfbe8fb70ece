import { ConfigError } from '@hub/config';
import { createLogger, PinoNestLogger } from '@hub/telemetry';
import { loadSchedulerConfig } from './scheduler.config.js';
import { createSchedulerApp } from './scheduler.app.js';
import { InvalidSchedulesError } from './schedules/schedule.errors.js';

async function main(): Promise<void> {
  const config = loadSchedulerConfig();
  const logger = new PinoNestLogger(createLogger('scheduler', config.LOG_LEVEL));
  const { app, schedules } = await createSchedulerApp(config, { logger });
  await app.listen(config.HUB_METRICS_PORT, '0.0.0.0');
  logger.log(
    {
      msg: `scheduler: ${schedules.length} schedule(s); health and metrics on :${config.HUB_METRICS_PORT}`,
      schedules: Object.fromEntries(schedules.map((s) => [s.name, s.describe])),
    },
    'Main',
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof InvalidSchedulesError) {
    process.stderr.write(`scheduler: ${error.message}\n`);
  } else {
    process.stderr.write(`scheduler failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
