import { runMain } from '@hub/service';
import { loadSchedulerConfig } from './scheduler.config.js';
import { createSchedulerApp } from './scheduler.app.js';

await runMain('scheduler', {
  loadConfig: () => loadSchedulerConfig(),
  create: createSchedulerApp,
  describe: ({ schedules }, config) => ({
    msg: `scheduler: ${schedules.length} schedule(s); health and metrics on :${config.HUB_METRICS_PORT}`,
    schedules: Object.fromEntries(schedules.map((s) => [s.name, s.describe])),
  }),
});
