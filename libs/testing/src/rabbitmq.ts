import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const run = promisify(execFile);

export const RABBITMQ_HOST = process.env.TEST_RABBITMQ_HOST ?? '127.0.0.1';
export const RABBITMQ_PORT = Number(process.env.TEST_RABBITMQ_PORT ?? 5672);

/** Runs `rabbitmqctl` (the broker runs on the test machine). */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 });
  return stdout;
}

export async function createVhost(name: string): Promise<string> {
  await rabbitmqctl('add_vhost', name);
  await rabbitmqctl('set_permissions', '-p', name, 'guest', '.*', '.*', '.*');
  return name;
}

export async function deleteVhost(name: string): Promise<void> {
  await rabbitmqctl('delete_vhost', name).catch(() => undefined);
}

/** Closes every client connection of `vhost` from the server side, as a broker restart would. */
export async function closeAllConnections(vhost: string): Promise<void> {
  await rabbitmqctl('close_all_connections', '--vhost', vhost, 'test: server closed the connection');
}

/** The AMQP URL of the run's vhost, or of `vhost`. */
export function amqpUrl(vhost: string = inject('amqpVhost')): string {
  return `amqp://guest:guest@${RABBITMQ_HOST}:${RABBITMQ_PORT}/${encodeURIComponent(vhost)}`;
}

/** A name no other test of this run uses (queues, exchanges, schemas). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Fails the run early, with the fix, when RabbitMQ or PostgreSQL is not up. */
export async function checkServices(): Promise<void> {
  const missing: string[] = [];
  if (!(await reachable(RABBITMQ_HOST, RABBITMQ_PORT))) {
    missing.push(`RabbitMQ on ${RABBITMQ_HOST}:${RABBITMQ_PORT} (start it: rabbitmq-server -detached)`);
  }
  const pg = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  if (!(await reachable(pg.hostname, Number(pg.port || 5432)))) {
    missing.push(`PostgreSQL on ${pg.host} (start it: pg_ctlcluster <version> main start)`);
  }
  if (missing.length > 0) throw new Error(`Tests need these services:\n  - ${missing.join('\n  - ')}`);
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
