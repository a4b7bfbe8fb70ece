import { coreEnvSchema, type Env, parseEnv, portVar } from '@hub/config';

/** The SIEM forwarder's variables: the core set plus its HTTP port (health, readiness, metrics). */
export const siemForwarderEnvSchema = coreEnvSchema.extend({
  HUB_METRICS_PORT: portVar.default(9105),
});

export type SiemForwarderConfig = ReturnType<typeof loadSiemForwarderConfig>;

export function loadSiemForwarderConfig(env?: Env) {
  return parseEnv(siemForwarderEnvSchema, env);
}

/** The queue this service owns on the bus. */
export const SIEM_FORWARDER_QUEUE = 'siem-forwarder';
