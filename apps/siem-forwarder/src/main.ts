import { runMain } from '@hub/service';
import { loadSiemForwarderConfig } from './siem-forwarder.config.js';
import { createSiemForwarderApp } from './siem-forwarder.app.js';

await runMain('siem-forwarder', {
  loadConfig: () => loadSiemForwarderConfig(),
  create: createSiemForwarderApp,
  describe: ({ sinks }, config) =>
    `siem-forwarder: sinks ${sinks.map((sink) => `${sink.name} → ${sink.target}`).join(', ')}; ` +
    `health and metrics on :${config.HUB_METRICS_PORT}`,
});
