import { readdirSync } from 'node:fs';
import { command, type OutageMode } from '../hub.js';
import { type Scenario } from '../scenario.js';

/**
 * PostgreSQL restarted. Real: `pg_ctlcluster --skip-systemctl-redirect <version> main restart`
 * (every database of the machine: run it alone). Proxy: the server terminates the hub's own
 * sessions (as a shutdown does) and the proxy the services connect through refuses new connections
 * for `holdMs`.
 */
export function postgresRestart(outage: OutageMode, holdMs: number): Scenario {
  return {
    name: 'PostgreSQL restarted',
    description:
      outage === 'real'
        ? 'pg_ctlcluster --skip-systemctl-redirect <version> main restart (the whole server)'
        : `pg_terminate_backend of the run's sessions, the PostgreSQL proxy refusing connections for ${holdMs / 1000} s`,
    holdMs: outage === 'real' ? 0 : holdMs,
    async inject({ hub, log }) {
      if (outage === 'real') {
        const version = readdirSync('/etc/postgresql')[0]!;
        await command('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], 120_000);
        log(`pg_ctlcluster ${version} main restart`);
        return;
      }
      const terminated = await hub.terminateDatabaseSessions();
      await hub.pgProxy!.down();
      log(`terminated ${terminated} sessions; PostgreSQL proxy down`);
    },
    async heal({ hub, log }) {
      if (outage === 'real') {
        await command('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-t', '60'], 70_000);
        return;
      }
      await hub.pgProxy!.up();
      log('PostgreSQL proxy up');
    },
  };
}
