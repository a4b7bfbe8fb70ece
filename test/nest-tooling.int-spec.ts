import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { amqpUrl, freePort, createTestSchema, type TestSchema, uniqueName, waitFor } from '@hub/testing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

interface NestProject {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
  compilerOptions: { tsConfigPath: string };
}

const nestCli = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as {
  monorepo: boolean;
  compilerOptions: { builder: string };
  projects: Record<string, NestProject>;
};
const services = readdirSync(join(ROOT, 'apps')).filter((name) => existsSync(join(ROOT, 'apps', name, 'src/main.ts')));

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).ok;
  } catch {
    return false;
  }
}

describe('the Nest CLI in monorepo mode (nest-cli.json)', () => {
  it('names every service and library, with paths that exist', () => {
    expect(nestCli.monorepo).toBe(true);
    expect(nestCli.compilerOptions.builder).toBe('tsc');
    for (const service of services) {
      const project = nestCli.projects[service];
      expect(project, `nest-cli.json has no project ${service}`).toMatchObject({
        type: 'application',
        root: `apps/${service}`,
        sourceRoot: `apps/${service}/src`,
        entryFile: 'main',
      });
    }
    for (const [name, project] of Object.entries(nestCli.projects)) {
      expect(existsSync(join(ROOT, project.sourceRoot, `${project.entryFile}.ts`)), name).toBe(true);
      expect(existsSync(join(ROOT, project.compilerOptions.tsConfigPath)), name).toBe(true);
    }
  });

  it('`nest build <service>` compiles a service', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      ['node_modules/@nestjs/cli/bin/nest.js', 'build', 'scheduler'],
      {
        cwd: ROOT,
        timeout: 90_000,
      },
    );
    expect(`${stdout}${stderr}`).not.toMatch(/error/i);
    expect(existsSync(join(ROOT, 'apps/scheduler/dist/main.js'))).toBe(true);
  }, 100_000);
});

describe('npm run dev (scripts/dev.mjs)', () => {
  let schema: TestSchema;
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    schema = await createTestSchema();
    dataDir = await mkdtemp(join(tmpdir(), 'hub-dev-'));
  });

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) child.kill('SIGKILL');
    await schema?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses an unknown service, naming the ones it knows', async () => {
    const failed = await run(process.execPath, ['scripts/dev.mjs', 'nope'], { cwd: ROOT }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('unknown service nope');
    expect((failed as { stderr: string }).stderr).toContain('sensor');
  });

  it('runs a service in watch mode, and Ctrl-C stops the watchers and the service', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    child = spawn(process.execPath, ['scripts/dev.mjs', 'scheduler'], {
      cwd: ROOT,
      env: {
        ...process.env,
        AMQP_URL: amqpUrl(),
        DATABASE_URL: schema.url,
        HUB_EXCHANGE: uniqueName('dev'),
        HUB_CONFIG_DIR: join(ROOT, 'config'),
        HUB_DATA_DIR: dataDir,
        HUB_METRICS_PORT: String(port),
        LOG_LEVEL: 'warn',
        OTEL_SDK_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    await waitFor('the scheduler healthy under nest start --watch', () => healthy(url), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    expect(output).toContain('watching scheduler');
    expect(output).toMatch(/Watching for file changes/);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await waitFor('the service gone with its watchers', async () => !(await healthy(url)), { timeoutMs: 10_000 });
  }, 90_000);
});
