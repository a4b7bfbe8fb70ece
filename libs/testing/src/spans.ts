import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '@hub/telemetry';

export interface SpanRecorder {
  readonly exporter: InMemorySpanExporter;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** Spans of one trace. */
  trace(traceId: string): ReadableSpan[];
  reset(): void;
}

/**
 * Starts the hub's real telemetry set-up (same instrumentations as production) with an in-memory
 * exporter, so tests assert on the spans a flow produced. Call it before importing Nest apps.
 */
export function recordSpans(serviceName = 'test'): SpanRecorder {
  const exporter = new InMemorySpanExporter();
  startTelemetry({ serviceName, spanProcessors: [new SimpleSpanProcessor(exporter)], env: {} });
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    trace: (traceId) => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId),
    reset: () => exporter.reset(),
  };
}

/** The id of a span's parent, or undefined for a root span. */
export function parentSpanId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
