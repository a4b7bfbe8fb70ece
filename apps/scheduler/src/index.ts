export * from './scheduler.app.js';
export * from './scheduler.config.js';
export * from './scheduler.module.js';
export * from './firing/slot.repository.js';
export * from './schedules/index.js';
