import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { FakeArgoCd, FakeJiraCloud, FakeSlack, type FakeHttpServer, TcpProxy } from '@hub/testing';

/** Every hub service, as Kubernetes runs them: one process each (the CLI is no service). */
export const SERVICES = [
  'ingest-gateway',
  'sensor',
  'remediation-executor',
  'notifier',
  'ticketing',
  'scheduler',
  'siem-forwarder',
] as const;
export type Service = (typeof SERVICES)[number];

export type OutageMode = 'proxy' | 'real';

export const INGEST_TOKEN = 'chaos-ingest-token-0123456789';
const RABBITMQ = { host: '127.0.0.1', port: 5672 };
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Fakes {
  readonly argocd: FakeArgoCd;
  readonly slack: FakeSlack;
  readonly jira: FakeJiraCloud;
  readonly all: readonly FakeHttpServer[];
}

/**
 * The hub's services as separate processes from the built dist, on a vhost and a schema of this
 * run alone, talking to loopback vendor fakes. In proxy mode they reach RabbitMQ and PostgreSQL
 * through {@link TcpProxy} instances the scenarios cut; in real mode straight.
 */
export class ChaosHub {
  readonly run = `chaos-${Date.now().toString(36)}`;
  readonly vhost = `hub-${this.run}`;
  readonly schema = this.run.replace(/-/g, '_');
  /** application_name of the hub's PostgreSQL sessions (terminations hit only them). */
  readonly appName = `hub-${this.run}`;
  readonly amqpProxy?: TcpProxy;
  readonly pgProxy?: TcpProxy;
  gatewayUrl = '';
  dir = '';
  fakes!: Fakes;
  private env: Record<string, string> = {};
  private readonly ports = new Map<Service, number>();
  private readonly children = new Map<Service, ChildProcess>();
  private readonly logs = new Map<Service, WriteStream>();

  constructor(
    private readonly root: string,
    readonly outage: OutageMode,
  ) {
    if (outage === 'proxy') {
      this.amqpProxy = new TcpProxy(RABBITMQ.host, RABBITMQ.port);
      const pgUrl = new URL(POSTGRES_URL);
      this.pgProxy = new TcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
    }
  }

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), `hub-${this.run}-`));
    await mkdir(join(this.dir, 'logs'));
    await rabbitmqctl('add_vhost', this.vhost);
    await rabbitmqctl('set_permissions', '-p', this.vhost, 'guest', '.*', '.*', '.*');
    await admin((client) => client.query(`CREATE SCHEMA ${this.schema}`));
    await this.amqpProxy?.start();
    await this.pgProxy?.start();
    const argocd = await new FakeArgoCd().start();
    const slack = await new FakeSlack().start();
    const jira = await new FakeJiraCloud({ projects: [{ key: 'PLAT' }, { key: 'SEC' }, { key: 'PAY' }] }).start();
    this.fakes = { argocd, slack, jira, all: [argocd, slack, jira] };
    const amqp = `amqp://guest:guest@127.0.0.1:${this.amqpProxy?.port ?? RABBITMQ.port}/${encodeURIComponent(this.vhost)}`;
    const db = new URL(POSTGRES_URL);
    if (this.pgProxy) db.port = String(this.pgProxy.port);
    this.env = {
      AMQP_URL: amqp,
      DATABASE_URL: withSchema(db.toString(), this.schema),
      PGAPPNAME: this.appName,
      HUB_CONFIG_DIR: await this.config(),
      HUB_DATA_DIR: join(this.dir, 'data'),
      HUB_INGEST_TOKENS: `alertmanager:${INGEST_TOKEN}`,
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      GATEWAY_HOST: '127.0.0.1',
      ARGOCD_URL: argocd.url,
      ARGOCD_TOKEN: argocd.token,
      ARGOCD_POLL_INTERVAL_MS: '200',
      SLACK_TOKEN: 'xoxb-chaos',
      SLACK_API_URL: slack.url,
      JIRA_HOST: jira.url,
      JIRA_EMAIL: jira.email,
      JIRA_API_TOKEN: jira.apiToken,
    };
    execFileSync(process.execPath, ['libs/database/dist/migrate.cli.js'], {
      cwd: this.root,
      env: { ...process.env, ...this.env, DATABASE_URL: withSchema(POSTGRES_URL, this.schema) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (const service of SERVICES) this.ports.set(service, await freePort());
    this.gatewayUrl = `http://127.0.0.1:${this.ports.get('ingest-gateway')}`;
    for (const service of SERVICES) this.startService(service);
    await Promise.all(SERVICES.map((service) => this.waitReady(service, 60_000)));
  }

  /** The repository's config, with `verifyAfter` out of the run's reach (the alerts never resolve). */
  private async config(): Promise<string> {
    const dir = join(this.dir, 'config');
    await cp(join(this.root, 'config'), dir, { recursive: true });
    const sensor = join(dir, 'sensors', 'slo-remediation.yaml');
    await writeFile(sensor, (await readFile(sensor, 'utf8')).replace(/verifyAfter: \S+/, 'verifyAfter: 24h'));
    return dir;
  }

  startService(service: Service): void {
    const port = String(this.ports.get(service));
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--import', '@hub/telemetry/register', `apps/${service}/dist/main.js`],
      {
        cwd: this.root,
        env: {
          ...process.env,
          ...this.env,
          HUB_SERVICE: service,
          ...(service === 'ingest-gateway' ? { GATEWAY_PORT: port } : { HUB_METRICS_PORT: port }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = this.logs.get(service);
    if (!log) {
      log = createWriteStream(join(this.dir, 'logs', `${service}.log`), { flags: 'a' });
      this.logs.set(service, log);
    }
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    this.children.set(service, child);
    child.once('exit', (code, signal) => {
      if (this.children.get(service) === child) this.children.delete(service);
      log.write(`chaos: ${service} (pid ${child.pid}) exited (${signal ?? `code ${code}`})\n`);
    });
  }

  /** SIGKILL, as the kernel's OOM killer or a node failure would; resolves once the process is gone. */
  async kill(service: Service): Promise<void> {
    const child = this.children.get(service);
    if (!child || child.exitCode !== null) throw new Error(`${service} is not running`);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  running(service: Service): boolean {
    return this.children.has(service);
  }

  async waitReady(service: Service, timeoutMs = 60_000): Promise<void> {
    const url = `http://127.0.0.1:${this.ports.get(service)}/readyz`;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running(service)) throw new Error(`${service} exited (see ${join(this.dir, 'logs', service)}.log)`);
      const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${service} not ready after ${timeoutMs} ms`);
  }

  /** Ends the hub's own PostgreSQL sessions from the server side (what a restart does to them). */
  async terminateDatabaseSessions(): Promise<number> {
    return admin(async (client) => {
      const { rows } = await client.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`,
        [this.appName],
      );
      return rows.filter((r) => r.ok).length;
    });
  }

  async stop(keepLogs: boolean): Promise<void> {
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    for (const log of this.logs.values()) log.end();
    await Promise.all(this.fakes?.all.map((fake) => fake.stop()) ?? []);
    await this.amqpProxy?.stop();
    await this.pgProxy?.stop();
    await rabbitmqctl('delete_vhost', this.vhost).catch(() => undefined); // the broker may be what failed
    await admin((client) => client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`)).catch(() => undefined);
    await rm(join(this.dir, 'data'), { recursive: true, force: true });
    await rm(join(this.dir, 'config'), { recursive: true, force: true });
    if (!keepLogs) await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs a command without blocking the load and the observer (a restart takes seconds). */
export async function command(file: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await promisify(execFile)(file, args, { encoding: 'utf8', timeout: timeoutMs });
  return stdout;
}

export function rabbitmqctl(...args: string[]): Promise<string> {
  return command('rabbitmqctl', ['-q', ...args]);
}

async function admin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, application_name: 'hub-chaos-admin' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withSchema(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
