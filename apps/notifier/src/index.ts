export * from './notifier.app.js';
export * from './notifier.config.js';
export * from './routing/routing.config.js';
export * from './routing/routing.errors.js';
