import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { type Database } from '@hub/database';
import { feedsOf, MessagingModule } from '@hub/messaging';
import { HttpSpanNameInterceptor, MetricsController } from '@hub/telemetry';
import { SchedulerMetrics } from './firing/scheduler.metrics.js';
import { SCHEDULES, SchedulerService } from './firing/scheduler.service.js';
import { SlotRelay } from './firing/slot.relay.js';
import { SlotRepository } from './firing/slot.repository.js';
import { HealthController } from './health/health.controller.js';
import { CLOCK, type Clock, SCHEDULER_CONFIG, type SchedulerConfig } from './scheduler.config.js';
import { type Schedule } from './schedules/schedule.js';

/** What the app factory builds before Nest: the loaded schedules, the database, the clock. */
export interface SchedulerDeps {
  config: SchedulerConfig;
  schedules: readonly Schedule[];
  db: Database;
  clock: Clock;
}

/** The scheduler: schedules in, `schedule.fired.<name>` out (it consumes nothing). */
@Module({})
export class SchedulerModule {
  static forRoot(deps: SchedulerDeps): DynamicModule {
    const { config } = deps;
    return {
      module: SchedulerModule,
      imports: [
        MessagingModule.forRoot({
          url: config.AMQP_URL,
          connectionName: 'scheduler',
          exchange: config.HUB_EXCHANGE,
          partitions: config.HUB_PARTITIONS,
          feeds: feedsOf('scheduler'),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: config },
        { provide: SCHEDULES, useValue: deps.schedules },
        { provide: CLOCK, useValue: deps.clock },
        { provide: SlotRepository, useValue: new SlotRepository(deps.db) },
        SchedulerMetrics,
        SchedulerService,
        SlotRelay,
        { provide: APP_INTERCEPTOR, useClass: HttpSpanNameInterceptor },
      ],
    };
  }
}
