export * from './alertmanager.js';
export * from './postgres.js';
export * from './queue-reader.js';
export * from './rabbitmq.js';
export * from './spans.js';
export * from './wait-for.js';
export * from './fakes/index.js';
export * from './tcp-proxy.js';
