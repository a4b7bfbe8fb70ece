export * from './hub-service.js';
export * from './periodic-task.js';
export * from './run-main.js';
export * from './publish-relay.js';
