import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Env } from '@hub/config';
import { createEvent, type HubEvent } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';
import { amqpUrl, FakeSplunkHec, FakeSyslogServer, selfSignedCertificate, uniqueName } from '@hub/testing';
import { createSiemForwarderApp, type SiemForwarderApp } from '../siem-forwarder.app.js';
import { loadSiemForwarderConfig } from '../siem-forwarder.config.js';

export const HEC_TOKEN = '5c5a1f6e-hec-token-for-tests';
export const SECRET = 's3cr3t-argocd-t0ken';

export interface SiemHarness {
  readonly hec: FakeSplunkHec;
  readonly syslog: FakeSyslogServer;
  readonly forwarder: SiemForwarderApp;
  readonly queue: string;
  readonly dataDir: string;
  readonly auditPath: string;
  publish(event: HubEvent): Promise<HubEvent>;
  close(): Promise<void>;
}

/**
 * The SIEM forwarder on the real broker (its own exchange and queue in the run's vhost), pointed at
 * a fake HEC (indexer acknowledgement on) and a TLS syslog listener with a fresh self-signed
 * certificate, with short batching and back-off so outages resolve quickly.
 */
export async function startSiemForwarder(env: Env = {}): Promise<SiemHarness> {
  const certificate = await selfSignedCertificate();
  const hec = await new FakeSplunkHec({ token: HEC_TOKEN, ack: true }).start();
  const syslog = await new FakeSyslogServer(certificate).start();
  const dataDir = await mkdtemp(join(tmpdir(), 'hub-siem-'));
  const caFile = join(dataDir, 'ca.pem');
  await writeFile(caFile, certificate.cert);
  const exchange = uniqueName('ex');
  const queue = uniqueName('siem');
  const config = loadSiemForwarderConfig({
    AMQP_URL: amqpUrl(),
    HUB_EXCHANGE: exchange,
    HUB_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HUB_PREFETCH: '20',
    SPLUNK_HEC_URL: hec.url,
    SPLUNK_HEC_TOKEN: HEC_TOKEN,
    SPLUNK_HEC_INDEX: 'hub_audit',
    SPLUNK_HEC_ACK_POLL_MS: '50',
    SYSLOG_URL: syslog.url,
    SYSLOG_CA_FILE: caFile,
    SIEM_BATCH_SIZE: '10',
    SIEM_BATCH_WAIT_MS: '50',
    SIEM_RETRY_INITIAL_MS: '100',
    SIEM_RETRY_MAX_MS: '2000',
    ...env,
  });
  // SIEM_DEBUG=1 shows the forwarder's log (retries, dead-letters) while a test is being written.
  const forwarder = await createSiemForwarderApp(config, { logger: process.env.SIEM_DEBUG ? undefined : false, queue });
  await forwarder.app.startAllMicroservices();
  await forwarder.app.init();
  await forwarder.server.waitUntilReady();
  const publisher = new HubPublisher({ url: amqpUrl(), connectionName: 'siem-test', exchange });
  await publisher.start();
  await publisher.waitUntilReady();
  return {
    hec,
    syslog,
    forwarder,
    queue,
    dataDir,
    auditPath: forwarder.sink.path,
    async publish(event) {
      await publisher.publish(event);
      return event;
    },
    async close() {
      await publisher.close();
      await forwarder.app.close();
      await Promise.all([hec.stop(), syslog.stop()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The events of one S1 incident (self-healing ArgoCD sync), in the order the hub emits them. */
export function s1Flow(app = uniqueName('payments-api')): HubEvent[] {
  const incidentkey = `slo-remediation/${app}`;
  const fingerprint = uniqueName('fp');
  const labels = {
    alertname: 'ArgoCDApplicationUnhealthy',
    slo: 'argocd-application-health',
    name: app,
    dest_namespace: 'payments',
    severity: 'critical',
  };
  const action = { actionId: uniqueName('act'), kind: 'argocd.sync', target: app };
  return [
    createEvent({
      type: 'alert.firing',
      source: '/alertmanager',
      subject: app,
      hubsource: 'alertmanager',
      data: {
        status: 'firing',
        fingerprint,
        labels,
        annotations: { summary: `${app} is Degraded | sync=OutOfSync` },
        startsAt: new Date().toISOString(),
      },
    }),
    createEvent({
      type: 'action.requested.argocd.sync',
      source: '/sensor/slo-remediation',
      subject: app,
      incidentkey,
      data: { ...action, params: { prune: false, headers: { Authorization: `Bearer ${SECRET}` } }, dryRun: false },
    }),
    createEvent({
      type: 'action.succeeded',
      source: '/remediation-executor',
      subject: app,
      incidentkey,
      data: {
        ...action,
        attempts: 1,
        durationMs: 840,
        dryRun: false,
        details: { phase: 'Succeeded', apiToken: SECRET },
      },
    }),
    createEvent({
      type: 'notification.requested',
      source: '/sensor/slo-remediation',
      incidentkey,
      data: {
        incidentKey: incidentkey,
        incidentId: `inc-${app}`,
        sequence: 2,
        state: 'remediated',
        title: `${app}: remediation succeeded`,
        text: 'line one\nline two = done\\ok',
        severity: 'critical',
      },
    }),
    createEvent({
      type: 'alert.resolved',
      source: '/alertmanager',
      subject: app,
      hubsource: 'alertmanager',
      data: {
        status: 'resolved',
        fingerprint,
        labels,
        annotations: {},
        startsAt: new Date().toISOString(),
        endsAt: new Date().toISOString(),
      },
    }),
  ];
}
