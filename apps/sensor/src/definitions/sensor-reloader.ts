import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { loadTeams } from '@hub/config';
import { topicMatches } from '@hub/contracts';
import { HubRmqServer } from '@hub/messaging';
import { SensorRegistry } from '../kinds/sensor.registry.js';
import { SENSOR_OPTIONS, SENSOR_REGISTRY, type SensorOptions } from '../sensor.options.js';
import { loadSensors } from './sensor-loader.js';
import { checkSensorTeams } from './sensor-teams.js';

/** The outcome of the last reload, for logs, tests and operators. */
export interface ReloadStatus {
  readonly at: Date;
  readonly ok: boolean;
  readonly message: string;
  readonly sensors: readonly string[];
}

/**
 * Hot reload: when a file of the sensors directory changes (fs.watch, debounced) or the process
 * gets SIGHUP, loads the whole set again — all or nothing, as at start-up. A set with any problem
 * is rejected with the same file/line/path message and the running set stays; a set that needs an
 * event type the queue is not bound to is rejected too (bindings are made at start: restart).
 */
@Injectable()
export class SensorReloader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sensors');
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private reloading: Promise<ReloadStatus> | undefined;
  private readonly onSignal = () => void this.reload();
  last?: ReloadStatus;

  constructor(
    @Inject(SENSOR_REGISTRY) private readonly registry: SensorRegistry,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
    @Inject(HubRmqServer) private readonly server: HubRmqServer,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.hotReload) return;
    process.on('SIGHUP', this.onSignal);
    try {
      this.watcher = watch(join(this.options.configDir, 'sensors'), () => {
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload(), 300);
      });
      this.watcher.on('error', (error) =>
        this.logger.warn({ msg: 'sensor directory watch failed', error: error.message }),
      );
    } catch (error) {
      this.logger.warn({
        msg: 'cannot watch the sensors directory; reload with SIGHUP',
        error: (error as Error).message,
      });
    }
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSignal);
    clearTimeout(this.debounce);
    this.watcher?.close();
  }

  /** Loads the directory again and swaps the set in when it is valid; one reload at a time. */
  reload(): Promise<ReloadStatus> {
    this.reloading ??= this.load().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async load(): Promise<ReloadStatus> {
    const directory = join(this.options.configDir, 'sensors');
    let status: ReloadStatus;
    try {
      const loaded = await loadSensors(directory);
      const teams = await loadTeams(this.options.configDir);
      checkSensorTeams(directory, loaded, teams);
      const options = { ...this.registry.options, teams };
      const next = new SensorRegistry(loaded, options);
      const unbound = next.eventTypes().filter((t) => !this.server.bindings.some((p) => topicMatches(p, t)));
      if (unbound.length > 0) {
        throw new Error(
          `the new sensors need event types the queue is not bound to (${unbound.join(', ')}): restart the sensor`,
        );
      }
      this.registry.replace(loaded, options);
      const sensors = loaded.map((l) => l.sensor.metadata.name);
      status = { at: new Date(), ok: true, message: `reloaded ${sensors.length} sensor(s)`, sensors };
      this.logger.log({ msg: status.message, sensors });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      status = { at: new Date(), ok: false, message, sensors: this.registry.sensors.map((s) => s.metadata.name) };
      this.logger.error({ msg: 'sensor reload rejected; the running sensors stay', reason: message });
    }
    this.last = status;
    return status;
  }
}
