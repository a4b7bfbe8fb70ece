import { spawn } from 'node:child_process';
import pg from 'pg';
import { TEST_DATABASE_URL, uniqueName, waitFor } from '@hub/testing';

const FIXTURE = new URL('./__tests__/terminated-client.ts', import.meta.url).pathname;

/**
 * PostgreSQL restarts, failovers and `pg_terminate_backend` end connections a service holds in the
 * middle of its work. That must fail the work in hand (so it is retried), never the process: a
 * checked-out pg client with no 'error' listener turns the terminated socket into an uncaught
 * exception.
 */
describe('a terminated database connection', () => {
  it('fails the transaction in hand and leaves the process running, with the next one working', async () => {
    const appName = uniqueName('hub-terminate');
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, APP_NAME: appName },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await waitFor('the transaction held', () => output.includes('HOLDING'), { timeoutMs: 20_000 });

    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const { rows } = await admin.query<{ terminated: boolean }>(
      'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1',
      [appName],
    );
    await admin.end();
    expect(rows.length).toBeGreaterThan(0);

    expect(await exited, output).toBe(0);
    expect(output).toMatch(/FIRST FAILED: (.*terminat|.*connection error)/i);
    expect(output).toContain('SECOND DONE');
  });
});
