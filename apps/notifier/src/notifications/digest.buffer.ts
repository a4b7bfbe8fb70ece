/** The digest settings of notifier.yaml. */
export interface DigestSettings {
  /** How long the first message of a burst waits for others to the same destination; 0 = off. */
  readonly windowMs: number;
  /** A batch this full is sent at once. */
  readonly maxMessages: number;
}

interface Batch<T, R> {
  readonly items: T[];
  readonly done: Promise<R>;
  flushNow(): void;
}

/**
 * Collects one-off messages to one destination that arrive within a short window (a burst of
 * deployments for one team) so they go out as one message. Every handler of the batch awaits the
 * same delivery and settles its own message with its outcome: nothing is acked before the digest
 * was sent, so a crash loses nothing (the messages come back and are sent again, the ones already
 * sent skipped by their markers). Batches are per process: replicas each digest their own share.
 */
export class DigestBuffer<T, R> {
  private readonly open = new Map<string, Batch<T, R>>();

  constructor(private readonly settings: DigestSettings) {}

  get enabled(): boolean {
    return this.settings.windowMs > 0;
  }

  /** Adds `item` to the open batch of `key` (opening one); resolves with what `flush` made of the batch. */
  add(key: string, item: T, flush: (items: readonly T[]) => Promise<R>): Promise<R> {
    const batch = this.open.get(key) ?? this.openBatch(key, flush);
    batch.items.push(item);
    if (batch.items.length >= this.settings.maxMessages) batch.flushNow();
    return batch.done;
  }

  private openBatch(key: string, flush: (items: readonly T[]) => Promise<R>): Batch<T, R> {
    const items: T[] = [];
    let release!: () => void;
    const closed = new Promise<void>((resolve) => {
      release = resolve;
    });
    const timer = setTimeout(release, this.settings.windowMs);
    const done = closed.then(() => {
      clearTimeout(timer);
      this.open.delete(key);
      return flush(items);
    });
    const batch: Batch<T, R> = { items, done, flushNow: release };
    this.open.set(key, batch);
    return batch;
  }
}
