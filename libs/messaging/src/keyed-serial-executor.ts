/**
 * Runs tasks one at a time per key, in the order they were submitted, while tasks of different
 * keys run concurrently: what lets a partitioned consumer take many deliveries at once (prefetch)
 * and still handle the events of one incident strictly in publish order. A task that fails does
 * not stop the key: the next one runs after it settles (the consumer decides retries inside the
 * task, so a key waits for its retries). Each task carries an item (the consumer's: its delivery),
 * which {@link waiting} shows while the task waits for its turn.
 */
export class KeyedSerialExecutor<Item = unknown> {
  /** Per key with work: what its next task waits for (the last task's end, never rejected). */
  private readonly tails = new Map<string, Promise<void>>();
  /** Per key: the items of the tasks submitted and not started yet, oldest first. */
  private readonly queued = new Map<string, Item[]>();

  /** Keys with a task running or waiting. */
  get activeKeys(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>, item: Item): Promise<T> {
    const previous = this.tails.get(key);
    let result: Promise<T>;
    if (previous) {
      const queued = this.queued.get(key) ?? [];
      if (queued.length === 0) this.queued.set(key, queued);
      queued.push(item);
      // Tasks of a key start in submission order, so the one starting is the oldest waiting.
      result = previous.then(() => {
        queued.shift();
        if (queued.length === 0 && this.queued.get(key) === queued) this.queued.delete(key);
        return task();
      });
    } else {
      result = task();
    }
    // One promise per task besides its own: the key's new tail, which also forgets the key once
    // nothing waits behind it.
    const release = (): void => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    const tail = result.then(release, release);
    this.tails.set(key, tail);
    return result;
  }

  /** The items of `key`'s tasks that wait for their turn now, oldest first (not the one running). */
  waiting(key: string): readonly Item[] {
    return this.queued.get(key) ?? [];
  }
}
