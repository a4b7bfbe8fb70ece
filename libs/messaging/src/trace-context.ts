import {
  context,
  type Context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  trace,
  type TextMapGetter,
} from '@opentelemetry/api';

const tracer = trace.getTracer('@hub/messaging');

type Headers = Record<string, unknown>;

const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (Buffer.isBuffer(value)) return value.toString();
    return typeof value === 'string' ? value : undefined;
  },
};

/** Starts the PRODUCER span of one publish, a child of the active span. */
export function startPublishSpan(exchange: string, routingKey: string, messageId: string): Span {
  return tracer.startSpan(`publish ${exchange || '(default)'}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'publish',
      'messaging.destination.name': exchange,
      'messaging.rabbitmq.destination.routing_key': routingKey,
      'messaging.message.id': messageId,
    },
  });
}

/** W3C `traceparent`/`tracestate` of `span`, as AMQP headers. */
export function traceHeaders(span: Span): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier;
}

/**
 * The context a consumer continues: the message headers' trace context, else the envelope's
 * `traceparent` extension (an external publisher may only set that), else a new trace.
 */
export function extractTraceContext(
  headers: Headers,
  envelope?: { traceparent?: unknown; tracestate?: unknown },
): Context {
  if (typeof headerGetter.get(headers, 'traceparent') === 'string') {
    return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  }
  if (typeof envelope?.traceparent === 'string') {
    return propagation.extract(ROOT_CONTEXT, envelope, headerGetter);
  }
  return ROOT_CONTEXT;
}

/** Starts the CONSUMER span that processes one delivery, with every attribute known before handling. */
export function startProcessSpan(
  parent: Context,
  queue: string,
  delivery: { readonly routingKey: string; readonly attempt: number },
  messageId: string,
): Span {
  return tracer.startSpan(
    `process ${queue}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': queue,
        'messaging.rabbitmq.destination.routing_key': delivery.routingKey,
        'messaging.message.id': messageId,
        'messaging.rabbitmq.delivery_attempt': delivery.attempt,
      },
    },
    parent,
  );
}
