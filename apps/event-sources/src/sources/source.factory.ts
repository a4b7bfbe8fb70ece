import { type Database } from '@hub/database';
import { type SourceDefinition } from '../config/source-loader.js';
import { type EventSourcesConfig } from '../event-sources.config.js';
import { kubeConfigFrom } from './kubernetes/kube-config.js';
import { KubernetesSource } from './kubernetes/kubernetes.source.js';
import { MqttSource } from './mqtt/mqtt.source.js';
import { NatsSource } from './nats/nats.source.js';
import { type Source } from './source.js';

/** The source of one definition: the folder of its kind. */
export function createSource(definition: SourceDefinition, config: EventSourcesConfig, db: Database): Source {
  const { spec } = definition.document;
  if (spec.nats) return new NatsSource(definition.name, spec.nats, config.NATS_URL);
  if (spec.mqtt) return new MqttSource(definition.name, spec.mqtt, config.MQTT_URL);
  if (spec.kubernetes) {
    return new KubernetesSource(
      definition.name,
      spec.kubernetes,
      kubeConfigFrom(config),
      db,
      config.EVENT_SOURCES_RETRY_MIN_MS,
    );
  }
  throw new Error(`source ${definition.name} has no kind (the schema should have refused it)`);
}
