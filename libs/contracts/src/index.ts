export * from './hub.error.js';
export * from './envelope.js';
export * from './catalog.js';
export * from './topic.js';
export * from './events/alert.events.js';
export * from './events/action.events.js';
export * from './events/platform.events.js';
export * from './events/notification.events.js';
