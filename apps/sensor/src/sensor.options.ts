/** Injection token of {@link SensorOptions}. */
export const SENSOR_OPTIONS = Symbol('SensorOptions');

/** Injection token of the sensor's Kysely handle (`Kysely<HubDatabase>`; `withTables` adds its own). */
export const SENSOR_DATABASE = Symbol('SensorDatabase');

/** The service's run-time knobs, from its configuration. */
export interface SensorOptions {
  /** The idempotency consumer name (`runOnce`): the queue, so replicas of one queue share markers. */
  readonly consumer: string;
  /** Interval of the outbox relay, and the age from which it takes a staged event over. */
  readonly outboxRelayMs: number;
  /** How long publishing waits for a (re)connecting publisher before the delivery is retried. */
  readonly publishWaitMs: number;
  /** Interval of the sweeper (due escalation steps, expired marks). */
  readonly sweepMs: number;
  /** `$HUB_CONFIG_DIR`: sensors are in `<configDir>/sensors`, teams in `<configDir>/teams.yaml`. */
  readonly configDir: string;
  /** Reload the sensors when their files change or on SIGHUP. */
  readonly hotReload: boolean;
  /** How long the event log keeps events. */
  readonly eventLogRetentionMs: number;
  /** The clock of silences, maintenance windows and approval timeouts (tests drive it); default the system's. */
  readonly clock?: () => Date;
}

/** Injection token of the loaded {@link SensorRegistry}. */
export const SENSOR_REGISTRY = Symbol('SensorRegistry');
