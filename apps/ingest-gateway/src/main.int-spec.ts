import { spawn, spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { amqpUrl, freePort, uniqueName, waitFor } from '@hub/testing';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The built entry point, as `npm start` runs it (tsx would not emit the decorator metadata Nest needs). */
const MAIN = 'apps/ingest-gateway/dist/main.js';

interface GatewayProcess {
  output(): string;
  readonly exited: Promise<number | null>;
  kill(): void;
}

const running: GatewayProcess[] = [];

function startMain(env: Record<string, string>): GatewayProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(GATEWAY_|HUB_INGEST_)/.test(name)),
  );
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...inherited, AMQP_URL: amqpUrl(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const process_ = { output: () => output, exited, kill: () => child.kill('SIGKILL') };
  running.push(process_);
  return process_;
}

/** An IPv4 address of this machine other than loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
}

async function status(host: string, port: number): Promise<number | string> {
  try {
    return (await fetch(`http://${host}:${port}/healthz`)).status;
  } catch (error) {
    return ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? String(error);
  }
}

describe('ingest gateway without tokens', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'apps/ingest-gateway'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.status, build.stdout + build.stderr).toBe(0);
  }, 120_000);

  afterEach(() => {
    for (const p of running.splice(0)) p.kill();
  });

  it('listens on 127.0.0.1 only and says so', async () => {
    const port = await freePort();
    const gateway = startMain({ GATEWAY_PORT: String(port), HUB_EXCHANGE: uniqueName('gw-main') });
    await waitFor('the gateway listening', () => gateway.output().includes('Listening on'), { timeoutMs: 30_000 });
    expect(gateway.output()).toContain('listening on 127.0.0.1 only');
    expect(await status('127.0.0.1', port)).toBe(200);
    const external = externalAddress();
    if (external) expect(await status(external, port)).toBe('ECONNREFUSED');
  });

  it('refuses to start on another address unless HUB_INGEST_OPEN=true, naming the setting', async () => {
    const gateway = startMain({ GATEWAY_PORT: String(await freePort()), GATEWAY_HOST: '0.0.0.0' });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toContain('GATEWAY_HOST: binding to 0.0.0.0 without HUB_INGEST_TOKENS');
    expect(gateway.output()).toContain('HUB_INGEST_OPEN=true');
  });

  it('runs open on every interface when HUB_INGEST_OPEN=true, with a warning', async () => {
    const port = await freePort();
    const gateway = startMain({
      GATEWAY_PORT: String(port),
      HUB_INGEST_OPEN: 'true',
      HUB_EXCHANGE: uniqueName('gw-main'),
    });
    await waitFor('the gateway listening', () => gateway.output().includes('Listening on'), { timeoutMs: 30_000 });
    expect(gateway.output()).toContain('takes events from ANYONE');
    expect(await status('127.0.0.1', port)).toBe(200);
  });
});
