import { Controller, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { type HubEvent } from '@hub/contracts';
import { type HubMessageContext } from '../hub-message.context.js';
import { type HubRmqServer } from '../hub-rmq.server.js';
import { connectHubTransport } from '../hub-transport.js';
import { type ConsumerOptions } from '../messaging.options.js';

export interface Delivery {
  event: HubEvent;
  attempt: number;
  routingKey: string;
  at: number;
}

/** What the probe handler does with a delivery: resolve, or throw what it returns. */
export type Behaviour = (delivery: Delivery) => unknown;

export const probe = {
  deliveries: [] as Delivery[],
  behaviour: (() => undefined) as Behaviour,
};

@Controller()
class ProbeController {
  @EventPattern<string>('probe.#')
  async handle(@Payload() event: HubEvent, @Ctx() ctx: HubMessageContext): Promise<void> {
    const delivery = { event, attempt: ctx.getAttempt(), routingKey: ctx.getRoutingKey(), at: Date.now() };
    probe.deliveries.push(delivery);
    await Promise.resolve();
    const failure = await probe.behaviour(delivery);
    if (failure) throw failure as Error;
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

/** A Nest application consuming `probe.#` through the hub transport, as a service would. */
export async function startProbeConsumer(
  options: ConsumerOptions,
): Promise<{ app: INestApplication; server: HubRmqServer }> {
  probe.deliveries = [];
  probe.behaviour = () => undefined;
  const app = await NestFactory.create(ProbeModule, new FastifyAdapter(), { logger: ['error'] });
  const server = connectHubTransport(app, options);
  await app.startAllMicroservices();
  await app.init();
  await server.waitUntilReady();
  return { app, server };
}
