import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = new URL('./main.ts', import.meta.url).pathname;

/** Runs src/main.ts as its own process until it exits; answers its exit code and stderr. */
function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.spec.json', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('event-sources start-up errors (its own process)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-event-sources-main-'));
    await mkdir(join(dir, 'sources'));
  }, 60_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists every bad variable in one message and exits 1', async () => {
    const { code, stderr } = await run({
      HUB_CONFIG_DIR: dir,
      NATS_URL: 'http://nats:4222',
      EVENT_SOURCES_LEASE_TTL_MS: 'soon',
      KUBE_TOKEN: 'abc',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('NATS_URL');
    expect(stderr).toContain('EVENT_SOURCES_LEASE_TTL_MS');
    expect(stderr).toMatch(/KUBE_API_URL.*is required when KUBE_TOKEN is set/);
  });

  it('lists every problem of the source files with file and line, before connecting to anything', async () => {
    await writeFile(
      join(dir, 'sources', 'bad.yaml'),
      'apiVersion: hub/v1\nkind: Source\nmetadata: { name: Bad_Name }\nspec:\n  nats: { stream: S, nakDelay: later }\n',
    );
    const { code, stderr } = await run({
      HUB_CONFIG_DIR: dir,
      AMQP_URL: 'amqp://127.0.0.1:1',
      DATABASE_URL: 'postgres://127.0.0.1:1/x',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid sources in');
    expect(stderr).toMatch(/bad\.yaml:3 metadata\.name: must be a DNS-1123 label/);
    expect(stderr).toMatch(/bad\.yaml:5 spec\.nats\.nakDelay: "later" is not a positive duration/);
  });
});
