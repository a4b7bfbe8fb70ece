import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor } from '@hub/testing';
import { ROOT } from './deploy-files.js';

/** A hub service running as its own process from its build output, as `npm start` runs it. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Builds every workspace (incremental); the services run from their `dist/main.js`. */
export function buildAll(): void {
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) throw new Error(`tsc -b failed:\n${tsc.stdout}${tsc.stderr}`);
}

/** Applies the migrations to `databaseUrl` with the migration CLI the image and the Helm hook run. */
export function migrate(databaseUrl: string): void {
  const result = spawnSync(process.execPath, ['libs/database/dist/migrate.cli.js'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  if (result.status !== 0) throw new Error(`migration failed: ${result.stderr}`);
}

/** Starts `apps/<name>/dist/main.js` on a free port (given in `portEnv`) and waits for GET /readyz. */
export async function startService(
  name: string,
  portEnv: string,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [`apps/${name}/dist/main.js`], {
    cwd: ROOT,
    env: { ...process.env, ...env, HUB_SERVICE: name, [portEnv]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(
      `${name} ready on ${url}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output}`);
        return (await fetch(`${url}/readyz`)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, url, output: () => output, stop };
}
