import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  ConsoleLogRecordExporter,
  type LogRecordProcessor,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { ConsoleMetricExporter, type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  /** `service.name` of every span; `OTEL_SERVICE_NAME` wins when set. */
  serviceName: string;
  /** Extra processors (tests pass an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
  env?: Record<string, string | undefined>;
}

export interface Telemetry {
  /** Undefined when `OTEL_SDK_DISABLED=true`: no spans, no trace ids in logs, no context on the bus. */
  readonly sdk?: NodeSDK;
  /** True when spans leave the process. */
  readonly exporting: boolean;
  /** The exporters chosen per signal (`otlp`, `console`), for the start-up log and tests. */
  readonly exporters: { traces: string[]; metrics: string[]; logs: string[] };
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;
type Signal = 'TRACES' | 'METRICS' | 'LOGS';

let started: Telemetry | undefined;

/**
 * Starts OpenTelemetry's `NodeSDK` before any instrumented module loads, configured by the
 * standard variables: `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`, `OTEL_LOGS_EXPORTER`
 * (`otlp`, `console`, `none`; unset means `otlp` when an OTLP endpoint is configured for the
 * signal and none otherwise, so a laptop run sends nothing anywhere), `OTEL_EXPORTER_OTLP_*`,
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_NODE_RESOURCE_DETECTORS` (env,
 * process and host by default). Spans always exist, exported or not, so logs carry trace ids and
 * context crosses the bus. Instrumented: http, undici, pg (queries, lock waits and outbox writes
 * show in traces) and pino (log lines go out as OTel logs when a logs exporter is on).
 * `OTEL_SDK_DISABLED=true` turns it all off (it costs about a third of the gateway's throughput:
 * docs/benchmarks.md). Calling it twice returns the first instance.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (started) return started;
  const env = options.env ?? process.env;
  diag.setLogger(quietDiagLogger, DiagLogLevel.WARN);
  const exporters = {
    traces: exportersOf(env, 'TRACES'),
    metrics: exportersOf(env, 'METRICS'),
    logs: exportersOf(env, 'LOGS'),
  };
  if (env.OTEL_SDK_DISABLED === 'true') {
    started = { exporting: false, exporters: { traces: [], metrics: [], logs: [] }, shutdown: () => Promise.resolve() };
    return started;
  }
  const spanProcessors: SpanProcessor[] = [
    ...(options.spanProcessors ?? []),
    ...exporters.traces.map((name) =>
      name === 'otlp'
        ? new BatchSpanProcessor(new OTLPTraceExporter())
        : new SimpleSpanProcessor(new ConsoleSpanExporter()),
    ),
  ];
  const intervalMs = Number(env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000;
  const metricReaders: IMetricReader[] = exporters.metrics.map(
    (name) =>
      new PeriodicExportingMetricReader({
        exporter: name === 'otlp' ? new OTLPMetricExporter() : new ConsoleMetricExporter(),
        exportIntervalMillis: intervalMs,
        exportTimeoutMillis: Math.min(intervalMs, Number(env.OTEL_METRIC_EXPORT_TIMEOUT) || 30_000),
      }),
  );
  const logRecordProcessors: LogRecordProcessor[] = exporters.logs.map((name) =>
    name === 'otlp'
      ? new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })
      : new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() }),
  );
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? options.serviceName,
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: env.npm_package_version ?? '0.1.0',
    }),
    // Spans are made even when nothing exports them: trace ids in logs and on the bus.
    spanProcessors: spanProcessors.length > 0 ? spanProcessors : [new NoopSpanProcessor()],
    metricReaders,
    logRecordProcessors,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => isProbe(req.url) }),
      new UndiciInstrumentation(),
      // A span per statement inside a trace (lock waits and outbox writes show in a message's
      // trace), none for a statement no request or message started; no span per pool checkout or
      // connect; no statement parameters on spans (secrets, and a copy of each per span).
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true, enhancedDatabaseReporting: false }),
      // The hub's own mixin puts trace_id/span_id on every line; the instrumentation only sends
      // logs, so without a logs exporter pino is not patched at all (no second mixin per line).
      ...(exporters.logs.length > 0 ? [new PinoInstrumentation({ disableLogCorrelation: true })] : []),
    ],
  });
  sdk.start();
  started = {
    sdk,
    exporting: exporters.traces.length > 0,
    exporters,
    shutdown: () => sdk.shutdown(),
  };
  return started;
}

/** The exporters named for `signal` (its own variable), or `otlp` when an endpoint is set for it. */
function exportersOf(env: Env, signal: Signal): string[] {
  const named = env[`OTEL_${signal}_EXPORTER`];
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT || env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`];
  const names = named
    ? named
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)
    : endpoint
      ? ['otlp']
      : [];
  if (names.includes('none')) return [];
  return [...new Set(names)].filter((name) => {
    if (name === 'otlp' || name === 'console') return true;
    const hint =
      name === 'prometheus' && signal === 'METRICS' ? ' (the hub serves Prometheus on /metrics already)' : '';
    diag.warn(`OTEL_${signal}_EXPORTER: "${name}" is not supported here${hint}; supported: otlp, console, none`);
    return false;
  });
}

function isProbe(url: string | undefined): boolean {
  return url === '/healthz' || url === '/readyz' || url === '/metrics';
}

/** OTel's own warnings (an unreachable collector, say) go to stderr once, never as a crash. */
const quietDiagLogger: DiagLogger = {
  error: (message, ...args) => console.error('[otel]', message, ...args),
  warn: (message, ...args) => console.warn('[otel]', message, ...args),
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};
