import { runMain } from '@hub/service';
import { loadNotifierConfig } from './notifier.config.js';
import { createNotifierApp } from './notifier.app.js';

await runMain('notifier', {
  loadConfig: () => loadNotifierConfig(),
  create: createNotifierApp,
  describe: ({ routing, channels }, config) => ({
    msg: `notifier: health and metrics on :${config.HUB_METRICS_PORT}`,
    routing: routing.source.kind === 'file' ? routing.source.file : 'built-in default (no routing file)',
    routes: Object.keys(routing.routes),
    channels: Object.fromEntries(channels.map((c) => [c.name, c.mode])),
  }),
});
