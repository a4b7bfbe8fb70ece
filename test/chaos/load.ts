import { createHash } from 'node:crypto';
import { type FakeArgoCd } from '@hub/testing';
import { INGEST_TOKEN } from './hub.js';
import { type AlertRecord } from './ledger.js';

export interface LoadOptions {
  readonly gatewayUrl: string;
  readonly argocd: FakeArgoCd;
  /** Prefix of the apps (unique per run). */
  readonly run: string;
  readonly ratePerSecond: number;
  /** Every n-th alert is about an app whose sync fails (its incident escalates: page + ticket). */
  readonly failingEvery: number;
  onAccepted(record: AlertRecord): void;
  onRefused(at: number, reason: string): void;
}

/**
 * A steady stream of distinct Alertmanager alerts (one app each, so every alert is its own
 * incident): one POST per tick, each with its own timeout, never more than 64 in flight. A refused
 * alert (an answer other than 202, or none) is counted, not retried: it was never accepted.
 */
export class AlertLoad {
  private sequence = 0;
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: LoadOptions) {}

  /** The app of the alert number `n` of a run, and the pattern that finds one in a text. */
  static appName(run: string, n: number): string {
    return `${run}-a${String(n).padStart(6, '0')}`;
  }

  static appPattern(run: string): RegExp {
    return new RegExp(`${run}-a\\d{6}`);
  }

  start(): void {
    this.timer = setInterval(() => this.send(), 1000 / this.options.ratePerSecond);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  get sent(): number {
    return this.sequence;
  }

  private send(): void {
    const sentAt = Date.now();
    if (this.inFlight.size >= 64) {
      this.options.onRefused(sentAt, 'client: 64 requests in flight');
      return;
    }
    const n = ++this.sequence;
    const app = AlertLoad.appName(this.options.run, n);
    const failing = n % this.options.failingEvery === 0;
    this.options.argocd.addApplication(app, {
      destNamespace: 'chaos',
      // A sync that runs a moment (the executor polls it), so faults land mid-action.
      phases: failing ? ['Running', 'Running', 'Failed'] : ['Running', 'Running', 'Succeeded'],
      message: failing ? 'one or more objects failed to apply (chaos)' : undefined,
    });
    const request = fetch(`${this.options.gatewayUrl}/v1/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: JSON.stringify(alertmanagerWebhook(app)),
      signal: AbortSignal.timeout(10_000),
    }).then(
      async (response) => {
        await response.body?.cancel();
        if (response.status === 202) this.options.onAccepted({ app, failing, sentAt });
        else this.options.onRefused(sentAt, `HTTP ${response.status}`);
      },
      (error: Error) => this.options.onRefused(sentAt, error.cause instanceof Error ? error.cause.message : error.name),
    );
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }
}

/** An Alertmanager v4 webhook with one firing alert about `app` (the S1 sensor's labels). */
function alertmanagerWebhook(app: string): Record<string, unknown> {
  const labels = {
    alertname: 'ArgoCDApplicationUnhealthy',
    slo: 'argocd-application-health',
    severity: 'warning',
    name: app,
    dest_namespace: 'chaos',
  };
  return {
    version: '4',
    groupKey: `{}:{alertname="ArgoCDApplicationUnhealthy", name="${app}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'hub',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: `${app} is degraded` },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph',
        fingerprint: createHash('sha256').update(app).digest('hex').slice(0, 16),
      },
    ],
  };
}
