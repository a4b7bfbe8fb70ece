export * from './database.js';
export * from './migrate.js';
export * from './schema.js';
export * from './run-once.js';
export * from './pg-idempotency.store.js';
export * from './event-log.js';
export * from './retention.js';
export * from './event-log-page.js';
