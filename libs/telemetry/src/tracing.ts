import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
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
  readonly provider?: NodeTracerProvider;
  /** True when spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  shutdown(): Promise<void>;
}

let started: Telemetry | undefined;

/**
 * Starts tracing before any instrumented module loads. Spans always exist (so logs carry trace ids
 * and context crosses the bus); they are exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT`
 * or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set and `OTEL_TRACES_EXPORTER` is not `none`.
 * `OTEL_SDK_DISABLED=true` turns tracing off entirely (it costs about a third of the gateway's
 * throughput: see docs/benchmarks.md). Calling it twice returns the first instance.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (started) return started;
  const env = options.env ?? process.env;
  if (env.OTEL_SDK_DISABLED === 'true') {
    started = { exporting: false, shutdown: () => Promise.resolve() };
    return started;
  }
  const exporting =
    env.OTEL_TRACES_EXPORTER !== 'none' &&
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  diag.setLogger(quietDiagLogger, DiagLogLevel.WARN);
  const spanProcessors = [...(options.spanProcessors ?? [])];
  if (exporting) spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? options.serviceName,
      [ATTR_SERVICE_VERSION]: env.npm_package_version ?? '0.1.0',
    }),
    spanProcessors,
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => isProbe(req.url) }),
      new UndiciInstrumentation(),
    ],
  });
  started = { provider, exporting, shutdown: () => provider.shutdown() };
  return started;
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
