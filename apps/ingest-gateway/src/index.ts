export * from './gateway.app.js';
export * from './gateway.module.js';
export * from './errors/gateway.errors.js';
