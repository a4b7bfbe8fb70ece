import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { amqpUrl, freePort, createTestSchema, type TestSchema, uniqueName, waitFor } from '@hub/testing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `node scripts/start.mjs <args>` (what `npm start -- <args>` runs), its output collected. */
interface HubProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** The pid start.mjs last logged for `service` ("hub: sensor started (pid 123)"). */
  pid(service: string): number | undefined;
}

/** The environment without the developer's own port settings and per-service overrides. */
function inheritedEnv(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.includes('__') && !/^(GATEWAY_PORT|HUB_METRICS_PORT)$/.test(name),
    ),
  );
}

function startHub(args: string[], env: Record<string, string>): HubProcess {
  // The developer's own port settings and per-service overrides must not leak into the test hub.
  const inherited = inheritedEnv();
  const child = spawn(process.execPath, ['scripts/start.mjs', '--json', ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    output: () => output,
    pid: (service) => {
      const pids = [...output.matchAll(new RegExp(`hub: ${service} (?:started|restarted) \\(pid (\\d+)\\)`, 'g'))];
      return pids.length ? Number(pids.at(-1)![1]) : undefined;
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).ok;
  } catch {
    return false;
  }
}

describe('npm start (scripts/start.mjs) supervising the services', () => {
  let schema: TestSchema;
  let dataDir: string;
  const hubs: HubProcess[] = [];
  const pids = new Set<number>();

  beforeAll(async () => {
    schema = await createTestSchema();
    dataDir = await mkdtemp(join(tmpdir(), 'hub-start-'));
  });

  afterAll(async () => {
    for (const hub of hubs) if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await schema?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const baseEnv = () => ({
    AMQP_URL: amqpUrl(),
    DATABASE_URL: schema.url,
    HUB_EXCHANGE: uniqueName('start'),
    HUB_CONFIG_DIR: join(ROOT, 'config'),
    HUB_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
  });

  describe('with the gateway and the sensor running', () => {
    let hub: HubProcess;
    let gateway: string;
    let sensor: string;

    beforeAll(async () => {
      const [gatewayPort, sensorPort] = [await freePort(), await freePort()];
      gateway = `http://127.0.0.1:${gatewayPort}`;
      sensor = `http://127.0.0.1:${sensorPort}`;
      hub = startHub(['ingest-gateway', 'sensor'], {
        ...baseEnv(),
        INGEST_GATEWAY__GATEWAY_PORT: String(gatewayPort),
        SENSOR__HUB_METRICS_PORT: String(sensorPort),
      });
      hubs.push(hub);
      await waitFor('the gateway and the sensor healthy', async () => (await healthy(gateway)) && healthy(sensor), {
        timeoutMs: 40_000,
        intervalMs: 200,
      });
      for (const service of ['ingest-gateway', 'sensor']) pids.add(hub.pid(service)!);
    }, 45_000);

    it('says what it does before the services run: building (with the time), migrating, starting N services', () => {
      const output = hub.output();
      const order = [
        'hub: building…',
        'hub: built in ',
        'hub: migrating…',
        'hub: starting 2 services: ingest-gateway, sensor',
      ];
      const positions = order.map((line) => output.indexOf(line));
      expect(
        positions.every((position) => position >= 0),
        output,
      ).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(output).toMatch(/hub: built in \d+(\.\d)? s/);
      expect(output).toContain('hub: starting 2 services: ingest-gateway, sensor');
    });

    it('restarts a SIGKILLed service, naming it and its signal, while the others keep running', async () => {
      const killed = hub.pid('sensor')!;
      const gatewayPid = hub.pid('ingest-gateway')!;
      process.kill(killed, 'SIGKILL');
      await waitFor('the hub to report the sensor death', () =>
        hub.output().includes('hub: sensor exited unexpectedly (SIGKILL); restarting it in 0.5 s'),
      );
      expect(await healthy(gateway)).toBe(true);
      const restarted = await waitFor('a new sensor process', () => hub.pid('sensor') !== killed && hub.pid('sensor'), {
        timeoutMs: 10_000,
      });
      pids.add(restarted);
      expect(hub.output()).toContain(`hub: sensor restarted (pid ${restarted})`);
      await waitFor('the restarted sensor healthy', () => healthy(sensor), { timeoutMs: 30_000, intervalMs: 200 });
      expect(await healthy(gateway)).toBe(true);
      expect(hub.pid('ingest-gateway')).toBe(gatewayPid);
      expect(hub.child.exitCode).toBeNull();
    }, 45_000);

    it('stops every service on SIGTERM, restarts none of them, and exits 0', async () => {
      const running = [hub.pid('ingest-gateway')!, hub.pid('sensor')!];
      expect(running.every(alive)).toBe(true);
      hub.child.kill('SIGTERM');
      expect(await hub.exited).toEqual({ code: 0, signal: null });
      const afterStop = hub.output().slice(hub.output().indexOf('hub: SIGTERM, stopping ingest-gateway, sensor'));
      expect(afterStop).toContain('hub: SIGTERM, stopping');
      expect(afterStop).not.toMatch(/restarted|restarting|exited unexpectedly/);
      expect(running.filter(alive)).toEqual([]);
    }, 20_000);
  });

  it('stops every service when the process that ran it dies without passing a signal on (npm → sh → start.mjs)', async () => {
    // What a supervisor that SIGKILLs `npm start` leaves: npm gone, `sh -c` still waiting, start.mjs under it.
    const port = await freePort();
    const npmLike = spawn(
      process.execPath,
      [
        '-e',
        `require('node:child_process').spawn('sh', ['-c', 'node scripts/start.mjs --json ingest-gateway; true'], { stdio: 'inherit' }); setInterval(() => {}, 1000);`,
      ],
      {
        cwd: ROOT,
        env: {
          ...inheritedEnv(),
          ...baseEnv(),
          npm_lifecycle_event: 'start',
          INGEST_GATEWAY__GATEWAY_PORT: String(port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    for (const stream of [npmLike.stdout, npmLike.stderr]) stream.on('data', (c: Buffer) => (output += c.toString()));
    const gatewayPid = () => Number(/hub: ingest-gateway started \(pid (\d+)\)/.exec(output)?.[1] ?? 0);
    try {
      await waitFor('the gateway healthy', () => healthy(`http://127.0.0.1:${port}`), {
        timeoutMs: 40_000,
        intervalMs: 200,
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n${output}`);
      });
      const pid = gatewayPid();
      expect(pid).toBeGreaterThan(0);
      pids.add(pid);
      npmLike.kill('SIGKILL');
      await waitFor('the gateway stopped', () => !alive(pid), { timeoutMs: 15_000, intervalMs: 200 });
      expect(output).toMatch(/hub: the process that started me \(pid \d+\) is gone; stopping ingest-gateway/);
    } finally {
      if (npmLike.exitCode === null && npmLike.signalCode === null) npmLike.kill('SIGKILL');
    }
  }, 60_000);

  it('stops the hub with exit code 1 when a service crash-loops, naming it and its last exit', async () => {
    const hub = startHub(['ingest-gateway', 'sensor'], {
      ...baseEnv(),
      HUB_RESTART_LIMIT: '3',
      HUB_RESTART_WINDOW_MS: '60000',
      INGEST_GATEWAY__GATEWAY_PORT: String(await freePort()),
      SENSOR__HUB_METRICS_PORT: 'not-a-port',
    });
    hubs.push(hub);
    const { code } = await hub.exited;
    const output = hub.output();
    const gatewayPid = hub.pid('ingest-gateway');
    if (gatewayPid) pids.add(gatewayPid);
    expect(code, output).toBe(1);
    expect(output.match(/hub: sensor exited unexpectedly \(code 1\); restarting it in/g)).toHaveLength(3);
    expect(output).toContain(
      'hub: sensor is crash-looping (restarted 3 times within 60 s, last exit: code 1); stopping the hub',
    );
    expect(output).toContain('HUB_METRICS_PORT');
    expect(gatewayPid && alive(gatewayPid)).toBe(false);
  }, 45_000);
});
