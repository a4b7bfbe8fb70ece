import { runMain } from '@hub/service';
import { createTicketingApp } from './ticketing.app.js';
import { loadTicketingConfig } from './ticketing.config.js';

await runMain('ticketing', {
  loadConfig: () => loadTicketingConfig(),
  create: createTicketingApp,
  describe: ({ provider, teams }, config) => ({
    msg: `ticketing: health and metrics on :${config.HUB_METRICS_PORT}`,
    provider: provider.mode === 'outbox' ? 'outbox (no JIRA or ServiceNow configured)' : provider.name,
    teams: teams.source,
  }),
});
