import { type ChildProcess, fork } from 'node:child_process';
import { createEvent } from '@hub/contracts';
import { amqpUrl, uniqueName, waitFor } from '@hub/testing';
import { HubPublisher } from '../hub.publisher.js';
import { type ServiceQueue } from '../service-queues.js';

const fixture = new URL('./ordered-consumer.ts', import.meta.url).pathname;

/** What a consumer process reports (see ordered-consumer.ts). */
export interface Report {
  kind: 'ready' | 'start' | 'done' | 'overlap';
  key: string;
  seq: number;
  attempt?: number;
  pid: number;
}

/** A partitioned test queue, its publisher, and the consumer processes with every report they sent. */
export class OrderedConsumers {
  readonly exchange = uniqueName('ordering');
  readonly queue = uniqueName('ordered');
  readonly reports: Report[] = [];
  readonly children: ChildProcess[] = [];
  publisher!: HubPublisher;

  constructor(readonly partitions: number) {}

  get feed(): ServiceQueue {
    return {
      queue: this.queue,
      bindings: ['order.#'],
      deliveryLimit: 5,
      singleActiveConsumer: false,
      partitioned: true,
    };
  }

  async startPublisher(): Promise<void> {
    this.publisher = new HubPublisher({
      url: amqpUrl(),
      connectionName: 'ordering-publisher',
      exchange: this.exchange,
      feeds: [this.feed],
      partitions: this.partitions,
    });
    await this.publisher.start();
    await this.publisher.waitUntilReady();
  }

  /** Starts one consumer process and waits until it consumes. */
  async start(env: Record<string, string> = {}): Promise<ChildProcess> {
    const child = fork(fixture, [], {
      execArgv: ['--conditions=source', '--import', 'tsx'],
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: 'tsconfig.spec.json',
        AMQP_URL: amqpUrl(),
        EXCHANGE: this.exchange,
        QUEUE: this.queue,
        PARTITIONS: String(this.partitions),
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const pid = child.pid!;
    child.on('message', (message: Omit<Report, 'pid'>) => this.reports.push({ ...message, pid }));
    this.children.push(child);
    await waitFor('consumer ready', () => this.reports.some((r) => r.kind === 'ready' && r.pid === pid), {
      timeoutMs: 20_000,
    });
    return child;
  }

  /**
   * Publishes `perKey` steps of each key, the keys in random order (a key's steps come in bursts
   * as well as far apart), each key's steps in order.
   */
  async publish(keys: readonly string[], perKey: number, batch = 500): Promise<void> {
    const next = new Map(keys.map((key) => [key, 0]));
    const all: { key: string; seq: number }[] = [];
    const open = [...keys];
    while (open.length > 0) {
      const index = Math.floor(Math.random() * open.length);
      const key = open[index]!;
      const seq = next.get(key)!;
      all.push({ key, seq });
      next.set(key, seq + 1);
      if (seq + 1 === perKey) open.splice(index, 1);
    }
    // One channel keeps the publish order; confirms are awaited per batch.
    for (let i = 0; i < all.length; i += batch) {
      await Promise.all(
        all
          .slice(i, i + batch)
          .map(({ key, seq }) =>
            this.publisher.publish(
              createEvent({ type: 'order.step', source: '/ordering', incidentkey: key, data: { key, seq } }),
            ),
          ),
      );
    }
  }

  /** Per key, the steps as they finished, in the order the parent received the reports. */
  doneByKey(): Map<string, number[]> {
    const byKey = new Map<string, number[]>();
    for (const report of this.reports) {
      if (report.kind !== 'done') continue;
      byKey.set(report.key, [...(byKey.get(report.key) ?? []), report.seq]);
    }
    return byKey;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }),
      ),
    );
    await this.publisher?.close();
  }
}

/**
 * The order check, over the reports in the order the parent received them: a step of a key
 * starts and finishes only once every earlier step of the key finished — it is at most one past
 * the highest finished before it (a step again is a redelivery after a crash, allowed: at least
 * once). Returns the violations, as text.
 */
export function orderViolations(reports: readonly Report[]): string[] {
  const violations: string[] = [];
  const highest = new Map<string, number>();
  for (const report of reports) {
    if (report.kind !== 'start' && report.kind !== 'done') continue;
    const before = highest.get(report.key) ?? -1;
    if (report.seq > before + 1) {
      violations.push(
        `${report.key}: step ${report.seq} ${report.kind === 'start' ? 'started' : 'finished'} before step ${before + 1} finished`,
      );
    }
    if (report.kind === 'done') highest.set(report.key, Math.max(before, report.seq));
  }
  return violations;
}
