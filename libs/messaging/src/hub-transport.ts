import { type INestApplication } from '@nestjs/common';
import { HubRmqServer } from './hub-rmq.server.js';
import { type ConsumerOptions } from './messaging.options.js';
import { RpcPassthroughFilter } from './rpc-passthrough.filter.js';

/**
 * Attaches the hub transport to a Nest application (hybrid: the app keeps its HTTP side for
 * `/healthz`, `/readyz` and `/metrics`). Returns the server, whose `ready` feeds readiness.
 */
export function connectHubTransport(app: INestApplication, options: ConsumerOptions): HubRmqServer {
  const server = new HubRmqServer(options);
  const microservice = app.connectMicroservice({ strategy: server });
  microservice.useGlobalFilters(new RpcPassthroughFilter());
  return server;
}
