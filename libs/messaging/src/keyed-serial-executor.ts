/**
 * Runs tasks one at a time per key, in the order they were submitted, while tasks of different
 * keys run concurrently: what lets a partitioned consumer take many deliveries at once (prefetch)
 * and still handle the events of one incident strictly in publish order. A task that fails does
 * not stop the key: the next one runs after it settles (the consumer decides retries inside the
 * task, so a key waits for its retries).
 */
export class KeyedSerialExecutor {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Keys with a task running or waiting. */
  get activeKeys(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(task, task) : task();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
