import { type HubEvent } from '@hub/contracts';
import { type Lease } from '../supervision/pg-lease.js';

export type SourceKind = 'nats' | 'mqtt' | 'kubernetes';

/** What a source says about itself on `/readyz`. */
export interface SourceHealth {
  /** Connected to the system it reads and reading. */
  readonly connected: boolean;
  /** Why not, when not. */
  readonly reason?: string;
}

/** How far a source is behind, in its own unit (what the lag metric shows). */
export interface SourceLag {
  /** `seconds` (watch age), `messages` (JetStream pending, MQTT inflight). */
  readonly unit: 'seconds' | 'messages';
  readonly value: number;
}

/** What a running source may do: publish to the bus with a confirm, and say it broke. */
export interface SourceContext {
  /** Publishes one envelope to `hub.events`; resolves on the broker's confirm, rejects when it cannot take it. */
  publish(event: HubEvent): Promise<void>;
  /** The source lost its connection after start: the supervisor stops it and starts it again with backoff. */
  failed(error: Error): void;
  /** Counts one message by what became of it (published, duplicate, refused, retried). */
  count(outcome: 'published' | 'duplicate' | 'refused' | 'retried'): void;
  /** Logs a message refused for good (it can never become a hub event) with the reason. */
  refused(message: string, reason: string): void;
  /** The lease this replica holds for an exclusive source (check `held` before every publish). */
  readonly lease?: Lease;
}

/**
 * One pull source: a NATS JetStream stream, an MQTT broker, a Kubernetes cluster. The supervisor
 * starts it (and holds its lease when {@link exclusive}), retries a failed start with backoff, and
 * stops it on shutdown or a lost lease. A source never acks upstream before the bus confirmed.
 */
export interface Source {
  readonly name: string;
  readonly kind: SourceKind;
  /** Only one replica may read it at a time (a lease in PostgreSQL decides which). */
  readonly exclusive: boolean;
  /** Connects and starts reading; rejects when it cannot connect (the supervisor retries). */
  start(context: SourceContext): Promise<void>;
  /** Stops reading at once; what was not acked upstream is delivered again later. */
  stop(): Promise<void>;
  health(): SourceHealth;
  lag(): Promise<SourceLag> | SourceLag;
}
