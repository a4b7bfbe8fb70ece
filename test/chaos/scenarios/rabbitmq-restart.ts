import { type OutageMode, rabbitmqctl } from '../hub.js';
import { type Scenario } from '../scenario.js';

/**
 * RabbitMQ down for `holdMs`, then back. Real: `rabbitmqctl stop_app` / `start_app` (every vhost
 * of the machine: run it alone). Proxy: the broker closes the vhost's connections and the proxy the
 * services connect through refuses new ones until it listens again (nothing else is touched).
 */
export function rabbitmqRestart(outage: OutageMode, holdMs: number): Scenario {
  return {
    name: 'RabbitMQ restarted',
    description:
      outage === 'real'
        ? `rabbitmqctl stop_app, ${holdMs / 1000} s, rabbitmqctl start_app (the whole broker)`
        : `close_all_connections --vhost <the run's vhost>, the AMQP proxy refusing connections for ${holdMs / 1000} s`,
    holdMs,
    async inject({ hub, log }) {
      if (outage === 'real') {
        await rabbitmqctl('stop_app');
        log('rabbitmqctl stop_app');
        return;
      }
      await rabbitmqctl('close_all_connections', '--vhost', hub.vhost, 'chaos: broker restart');
      await hub.amqpProxy!.down();
      log('AMQP proxy down (vhost connections closed)');
    },
    async heal({ hub, log }) {
      if (outage === 'real') {
        await rabbitmqctl('start_app');
        await rabbitmqctl('await_startup');
        log('rabbitmqctl start_app');
        return;
      }
      await hub.amqpProxy!.up();
      log('AMQP proxy up');
    },
  };
}
