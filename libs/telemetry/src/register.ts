import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { startTelemetry } from './tracing.js';

/**
 * Preload entry (`node --import @hub/telemetry/register app.js`): the SDK must start before http,
 * undici, pg, pino and fastify are loaded, or their calls are not instrumented. The loader hook of
 * `import-in-the-middle` lets the instrumentations patch packages the services load with `import`
 * (pg and pino are imported from ES modules), not only those loaded with `require`. It wraps only
 * the packages an instrumentation hooks (the message channel tells the loader which, before any
 * of them is imported): wrapping every module cost start-up time and tens of MB of memory.
 */
if (process.env.OTEL_SDK_DISABLED === 'true') {
  // With telemetry off nothing is instrumented: no loader hook either.
  startTelemetry({ serviceName: process.env.HUB_SERVICE ?? 'hub' });
} else {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  startTelemetry({ serviceName: process.env.HUB_SERVICE ?? 'hub' });
  await waitForAllMessagesAcknowledged();
}
