export * from './catch-up.js';
export * from './fired-event.js';
export * from './schedule-loader.js';
export * from './schedule-positions.js';
export * from './schedule.errors.js';
export * from './schedule.js';
export * from './schedule.schema.js';
export * from './zoned-time.js';
