import { type HubEvent, topicMatches } from '@hub/contracts';
import { type HubRmqServer } from '@hub/messaging';
import { type SensorEngine } from '../incidents/sensor.engine.js';
import { type SensorRegistry } from '../kinds/sensor.registry.js';

/**
 * Binds the queue to every event type a loaded sensor depends on or resolves on that no consumer
 * method covers yet (`service.degraded`, `deployment.failed`, …). Call it before the transport
 * starts: the server declares one binding per handler pattern when it connects.
 */
export function bindSensorEventTypes(server: HubRmqServer, registry: SensorRegistry, engine: SensorEngine): string[] {
  const added = registry.eventTypes().filter((type) => !server.bindings.some((pattern) => topicMatches(pattern, type)));
  for (const type of added) {
    server.addHandler(type, (event: HubEvent) => engine.handleEvent(event), true);
  }
  return added;
}
