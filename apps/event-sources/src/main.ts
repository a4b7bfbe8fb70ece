import { runMain } from '@hub/service';
import { createEventSourcesApp } from './event-sources.app.js';
import { loadEventSourcesConfig } from './event-sources.config.js';

await runMain('event-sources', {
  loadConfig: () => loadEventSourcesConfig(),
  create: createEventSourcesApp,
  describe: ({ definitions }, config) => ({
    msg: `event-sources: ${definitions.length} source(s); health and metrics on :${config.HUB_METRICS_PORT}`,
    sources: Object.fromEntries(definitions.map((d) => [d.name, d.file])),
  }),
});
