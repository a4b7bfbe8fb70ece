import { type TestProject } from 'vitest/node';
import { checkServices, createVhost, deleteVhost } from './rabbitmq.js';

declare module 'vitest' {
  export interface ProvidedContext {
    amqpVhost: string;
  }
}

/** One RabbitMQ vhost per test run, so runs never collide; deleted at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await checkServices();
  const vhost = await createVhost(`hub-test-${process.pid}-${Date.now().toString(36)}`);
  project.provide('amqpVhost', vhost);
  return () => deleteVhost(vhost);
}
