import { type INestApplication, type LoggerService } from '@nestjs/common';
import { ConfigError, InvalidConfigFilesError } from '@hub/config';
import { createLogger, PinoNestLogger } from '@hub/telemetry';

/** A service's `main`: how it reads its settings, builds its app, and says what it started. */
export interface HubMain<C extends HubMainConfig, B extends { app: INestApplication }> {
  readonly loadConfig: () => C;
  readonly create: (config: C, options: { logger: LoggerService }) => Promise<B>;
  /** The start-up line: what the service runs and where its parts came from. */
  readonly describe: (built: B, config: C) => string | Record<string, unknown>;
  /** Where it listens (default `HUB_METRICS_PORT` on every interface: health and metrics). */
  readonly listen?: (config: C) => { port: number; host: string };
}

/** The settings every service has. */
export interface HubMainConfig {
  readonly LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly HUB_METRICS_PORT?: number;
}

/**
 * Starts one service: settings, logger, app, bus consumers, HTTP listener, one start-up line.
 * Telemetry is already running (the `@hub/telemetry/register` preload, before any instrumented
 * package loads). A bad setting or config file ends the process with every problem listed and
 * no stack; anything else with its stack. Shutdown is the app's (SIGTERM, see `createHubService`).
 */
export async function runMain<C extends HubMainConfig, B extends { app: INestApplication }>(
  service: string,
  main: HubMain<C, B>,
): Promise<void> {
  try {
    const config = main.loadConfig();
    const logger = new PinoNestLogger(createLogger(service, config.LOG_LEVEL));
    const built = await main.create(config, { logger });
    await built.app.init();
    await built.app.startAllMicroservices();
    const { port, host } = main.listen?.(config) ?? { port: config.HUB_METRICS_PORT ?? 0, host: '0.0.0.0' };
    await built.app.listen(port, host);
    logger.log(main.describe(built, config), 'Main');
  } catch (error) {
    process.stderr.write(`${startupFailure(service, error)}\n`);
    process.exit(1);
  }
}

/** What a failed start prints: the problems of a bad setting or file as they are, else the stack. */
export function startupFailure(service: string, error: unknown): string {
  if (error instanceof ConfigError || error instanceof InvalidConfigFilesError) return `${service}: ${error.message}`;
  return `${service} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
