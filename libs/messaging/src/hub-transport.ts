import { type INestApplication } from '@nestjs/common';
import { type NestMicroservice } from '@nestjs/microservices';
import { HubRmqServer } from './hub-rmq.server.js';
import { type ConsumerOptions } from './messaging.options.js';
import { RpcPassthroughFilter } from './rpc-passthrough.filter.js';

/**
 * Attaches the hub transport to a Nest application (hybrid: the app keeps its HTTP side for
 * `/healthz`, `/readyz` and `/metrics`). Returns the server, whose `ready` feeds readiness.
 *
 * Nest builds each handler's exception zone when it registers the listeners, so the filter that
 * hands the original error to the transport must be in place first: registration is deferred,
 * the filter added, then the listeners registered as `connectMicroservice` would have done.
 */
export function connectHubTransport(
  app: INestApplication,
  serverOrOptions: HubRmqServer | ConsumerOptions,
): HubRmqServer {
  const server = serverOrOptions instanceof HubRmqServer ? serverOrOptions : new HubRmqServer(serverOrOptions);
  const microservice = app.connectMicroservice(
    { strategy: server },
    { deferInitialization: true },
  ) as unknown as NestMicroservice;
  microservice.useGlobalFilters(new RpcPassthroughFilter());
  microservice.registerListeners();
  microservice.setIsInitialized(true);
  microservice.setIsInitHookCalled(true);
  return server;
}
