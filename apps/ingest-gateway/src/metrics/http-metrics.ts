import { type Counter } from 'prom-client';
import { type FastifyInstance } from 'fastify';
import { processCounter } from '@hub/telemetry';

const NAME = 'hub_http_requests_total';

/** Requests answered, by method, route pattern (not URL: bounded cardinality) and status. */
function requestsCounter(): Counter<'method' | 'route' | 'status'> {
  return processCounter(NAME, 'HTTP requests answered, by method, route and status', ['method', 'route', 'status']);
}

/** Counts every response Fastify sends, errors and unknown routes (`route="(unmatched)"`) included. */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  const requests = requestsCounter();
  fastify.addHook('onResponse', (request, reply, done) => {
    requests.inc({
      method: request.method,
      route: request.routeOptions.url ?? '(unmatched)',
      status: String(reply.statusCode),
    });
    done();
  });
}
