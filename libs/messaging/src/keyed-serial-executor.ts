/**
 * Runs tasks one at a time per key, in the order they were submitted, while tasks of different
 * keys run concurrently: what lets a partitioned consumer take many deliveries at once (prefetch)
 * and still handle the events of one incident strictly in publish order. A task that fails does
 * not stop the key: the next one runs after it settles (the consumer decides retries inside the
 * task, so a key waits for its retries).
 */
export class KeyedSerialExecutor {
  /** Per key with work: what its next task waits for (the last task's end, never rejected). */
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with a task running or waiting. */
  get activeKeys(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(task) : task();
    // One promise per task besides its own: the key's new tail, which also forgets the key once
    // nothing waits behind it.
    const release = (): void => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    const tail = result.then(release, release);
    this.tails.set(key, tail);
    return result;
  }
}
