import { rabbitmqctl } from '../hub.js';
import { type Scenario } from '../scenario.js';

/** The broker closes every connection of the hub's vhost (as a node drain or a restart does); they reconnect. */
export function rabbitmqConnectionsClosed(): Scenario {
  return {
    name: 'RabbitMQ connections closed',
    description: "rabbitmqctl close_all_connections --vhost <the run's vhost> (only this run's connections)",
    holdMs: 0,
    async inject({ hub, log }) {
      await rabbitmqctl('close_all_connections', '--vhost', hub.vhost, 'chaos: connections closed');
      log(`closed the connections of vhost ${hub.vhost}`);
    },
    heal() {
      // Nothing to undo: the broker stays up, the services reconnect by themselves.
    },
  };
}
