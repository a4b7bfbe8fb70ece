import { type Service } from '../hub.js';
import { type Scenario } from '../scenario.js';

/** SIGKILL of one service mid-flow (no shutdown hook runs), restarted after `holdMs`. */
export function killService(service: Service, holdMs: number): Scenario {
  return {
    name: `SIGKILL ${service}`,
    description: `kill -9 the ${service} process, start it again ${holdMs / 1000} s later, wait until it is ready`,
    holdMs,
    async inject({ hub }) {
      await hub.kill(service);
    },
    async heal({ hub }) {
      hub.startService(service);
      await hub.waitReady(service);
    },
  };
}
