import { type ChaosHub } from './hub.js';

/** What a scenario acts on: the running hub (its processes, proxies, fakes) and the run's log. */
export interface ChaosContext {
  readonly hub: ChaosHub;
  readonly log: (message: string) => void;
}

/**
 * One fault of the suite. The runner keeps the load flowing, calls `inject`, waits `holdMs`, calls
 * `heal`, and measures from there until the flow is whole again.
 */
export interface Scenario {
  readonly name: string;
  /** What it does, in one line (the run prints it; docs/reliability.md lists it). */
  readonly description: string;
  /** How long the fault lasts between inject() and heal(). */
  readonly holdMs: number;
  inject(context: ChaosContext): Promise<void> | void;
  heal(context: ChaosContext): Promise<void> | void;
}
