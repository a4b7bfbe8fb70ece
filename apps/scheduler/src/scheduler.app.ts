import { type LoggerService } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDatabase, type Database, migrated } from '@hub/database';
import { HubPublisher } from '@hub/messaging';
import { createHubService } from '@hub/service';
import { SchedulerService } from './firing/scheduler.service.js';
import { SlotRelay } from './firing/slot.relay.js';
import { type Clock, type SchedulerConfig, systemClock } from './scheduler.config.js';
import { SchedulerModule } from './scheduler.module.js';
import { loadSchedules, schedulesDirectory } from './schedules/schedule-loader.js';
import { type Schedule } from './schedules/schedule.js';

/** The built scheduler: the Nest app and the parts tests drive. */
export interface SchedulerApp {
  app: NestFastifyApplication;
  schedules: readonly Schedule[];
  service: SchedulerService;
  relay: SlotRelay;
  publisher: HubPublisher;
  db: Database;
}

export interface SchedulerAppOptions {
  logger?: LoggerService | false;
  /** Where "now" comes from (default the system clock; tests move a fake one). */
  clock?: Clock;
}

/**
 * Builds the scheduler (not yet listening): loads and validates every schedule (a bad file throws
 * InvalidSchedulesError listing every problem, before anything connects), migrates the database and
 * wires the loop. The loop starts with `app.init()` / `app.listen()`; `app.close()` stops it after
 * the pass in flight and closes the publisher; the database pool closes with it.
 */
export async function createSchedulerApp(
  config: SchedulerConfig,
  options: SchedulerAppOptions = {},
): Promise<SchedulerApp> {
  const schedules = await loadSchedules(schedulesDirectory(config.HUB_CONFIG_DIR));
  const db = await migrated(createDatabase(config.DATABASE_URL, 4).db);
  const app = await createHubService(
    SchedulerModule.forRoot({ config, schedules, db, clock: options.clock ?? systemClock }),
    { logger: options.logger, onClose: () => db.destroy() },
  );
  return {
    app,
    schedules,
    service: app.get(SchedulerService),
    relay: app.get(SlotRelay),
    publisher: app.get(HubPublisher),
    db,
  };
}
