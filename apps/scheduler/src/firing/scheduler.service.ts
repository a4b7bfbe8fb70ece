import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type HubEvent } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';
import { CLOCK, type Clock, SCHEDULER_CONFIG, type SchedulerConfig } from '../scheduler.config.js';
import { planSlots } from '../schedules/catch-up.js';
import { scheduleFiredEvent } from '../schedules/fired-event.js';
import { type Schedule } from '../schedules/schedule.js';
import { SchedulerMetrics } from './scheduler.metrics.js';
import { type ClaimedSlot, SlotRepository } from './slot.repository.js';

/** Injection token of the loaded schedules. */
export const SCHEDULES = Symbol('Schedules');

/** Shortest sleep between passes, so a burst of due slots does not spin. */
const MIN_SLEEP_MS = 5;

/**
 * The scheduler loop. Every replica runs it; PostgreSQL decides who publishes what: a pass claims
 * a schedule's due slots in one transaction ({@link SlotRepository.claim}), then publishes the
 * claimed events with broker confirms and marks them published. A replica that dies between claim
 * and publish leaves unpublished rows, which the relay publishes (same event id) on any replica.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  /** This replica, in `schedule_slots.claimed_by`. */
  readonly instance = `${hostname()}/${process.pid}/${crypto.randomUUID().slice(0, 8)}`;
  /** The position of each schedule as this replica last saw it (others may be ahead: it only saves queries). */
  private readonly known = new Map<string, Date>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(SCHEDULES) readonly schedules: readonly Schedule[],
    @Inject(SlotRepository) private readonly slots: SlotRepository,
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SchedulerMetrics) private readonly metrics: SchedulerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.sleep(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One pass over every schedule whose next slot may be due; resolves when its events are published.
   * A replica that cannot publish claims nothing, leaving the slots to one that can.
   */
  async pass(): Promise<void> {
    for (const schedule of this.schedules) {
      if (this.stopped || !this.publisher.ready) return;
      if (!this.mayBeDue(schedule, this.clock.now().getTime())) continue;
      try {
        await this.fire(schedule);
      } catch (error) {
        this.logger.warn({ msg: 'schedule pass failed; retrying', schedule: schedule.name, error: String(error) });
      }
    }
  }

  private sleep(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
        this.sleep(this.nextSleepMs());
      });
    }, ms);
  }

  private mayBeDue(schedule: Schedule, nowMs: number): boolean {
    const known = this.known.get(schedule.name);
    if (!known) return true;
    const next = schedule.nextSlot(known);
    return next !== undefined && schedule.dueAt(next) <= nowMs;
  }

  private nextSleepMs(): number {
    const nowMs = this.clock.now().getTime();
    let sleep = this.config.SCHEDULER_TICK_MS;
    for (const schedule of this.schedules) {
      const known = this.known.get(schedule.name);
      const next = known && schedule.nextSlot(known);
      if (next) sleep = Math.min(sleep, schedule.dueAt(next) - nowMs);
    }
    return Math.max(MIN_SLEEP_MS, sleep);
  }

  private async fire(schedule: Schedule): Promise<void> {
    for (const slot of await this.claim(schedule)) await this.publish(slot);
  }

  /**
   * The first half of firing: decides the schedule's due slots and claims them in PostgreSQL.
   * What it returns is this replica's to publish; if it dies before that, the relay publishes it.
   */
  async claim(schedule: Schedule): Promise<ClaimedSlot[]> {
    const now = this.clock.now();
    const { claimed, plan, position } = await this.slots.claim(schedule.name, this.instance, now, (since) => {
      const decided = planSlots(schedule, since, now, this.config.SCHEDULER_MISSED_AFTER_MS);
      const events = new Map<number, HubEvent>(
        decided.fire.map((due) => [due.slot.getTime(), scheduleFiredEvent(schedule, due)]),
      );
      return { plan: decided, events };
    });
    this.known.set(schedule.name, position);
    if (plan.missed > 0) {
      this.metrics.skipped.inc({ schedule: schedule.name, reason: 'missed' }, plan.missed);
      this.logger.warn({
        msg: 'missed slots skipped by the catch-up policy',
        schedule: schedule.name,
        missed: plan.missed,
        policy: schedule.catchUp.policy,
      });
    }
    if (plan.excluded > 0) this.metrics.skipped.inc({ schedule: schedule.name, reason: 'excluded' }, plan.excluded);
    return claimed;
  }

  private async publish(claimed: ClaimedSlot): Promise<void> {
    const slot = claimed.slot.toISOString();
    try {
      await this.publisher.publish(claimed.event);
      await this.slots.markPublished(claimed.schedule, claimed.slot);
      this.metrics.fired.inc({ schedule: claimed.schedule, mode: claimed.catchUp ? 'catch-up' : 'on-time' });
      this.logger.log({ msg: 'schedule fired', schedule: claimed.schedule, slot, catchUp: claimed.catchUp });
    } catch (error) {
      this.metrics.publishFailures.inc({ schedule: claimed.schedule });
      this.logger.warn({
        msg: 'claimed slot not published; the relay will',
        schedule: claimed.schedule,
        slot,
        error: String(error),
      });
    }
  }
}
