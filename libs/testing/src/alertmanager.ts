import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';
import { freePort } from './ports.js';

/** The Debian package `prometheus-alertmanager` installs the binary under this name. */
export const ALERTMANAGER_BINARY = process.env.ALERTMANAGER_BINARY ?? '/usr/bin/prometheus-alertmanager';

export interface RealAlertmanager {
  readonly url: string;
  /** Pushes alerts through Alertmanager's API v2, as Prometheus would. */
  push(
    alerts: { labels: Record<string, string>; annotations?: Record<string, string>; endsAt?: string }[],
  ): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs a real Alertmanager whose only receiver is the hub's webhook (with a bearer token), with
 * no grouping delay, so a pushed alert reaches the gateway within a second or two.
 */
export async function startAlertmanager(webhookUrl: string, token: string): Promise<RealAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-alertmanager-'));
  const port = await freePort();
  await writeFile(
    join(dir, 'alertmanager.yml'),
    [
      'route:',
      '  receiver: hub',
      '  group_by: [alertname, name]',
      '  group_wait: 0s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hub',
      '    webhook_configs:',
      `      - url: ${webhookUrl}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      `            credentials: ${token}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    ALERTMANAGER_BINARY,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`Alertmanager on ${url} (${stderr.trim().split('\n').at(-1) ?? ''})`, async () => {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited: ${stderr}`);
    return (await fetch(`${url}/-/ready`)).ok;
  });
  return {
    url,
    async push(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          alerts.map((a) => ({ labels: a.labels, annotations: a.annotations ?? {}, endsAt: a.endsAt })),
        ),
      });
      if (!response.ok) throw new Error(`Alertmanager refused the alerts: ${response.status} ${await response.text()}`);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
