/** Injection token of the gateway's validated configuration (`GatewayConfig` from `@hub/config`). */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
