import { startTelemetry } from './tracing.js';

/**
 * Preload entry (`node --import @hub/telemetry/register app.js`): tracing must start before
 * http, undici and fastify are loaded, or their calls are not instrumented.
 */
startTelemetry({ serviceName: process.env.HUB_SERVICE ?? 'hub' });
