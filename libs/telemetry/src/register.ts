import { register } from 'node:module';
import { startTelemetry } from './tracing.js';

/**
 * Preload entry (`node --import @hub/telemetry/register app.js`): the SDK must start before http,
 * undici, pg, pino and fastify are loaded, or their calls are not instrumented. The loader hook of
 * `@opentelemetry/instrumentation` lets the instrumentations patch packages the services load
 * with `import` (pg and pino are imported from ES modules), not only those loaded with `require`.
 */
// With telemetry off nothing is instrumented: no loader hook either (it wraps every module loaded).
if (process.env.OTEL_SDK_DISABLED !== 'true') register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
startTelemetry({ serviceName: process.env.HUB_SERVICE ?? 'hub' });
