export * from './sensor.app.js';
export * from './sensor.config.js';
export * from './sensor.module.js';
export * from './definitions/sensor.errors.js';
export * from './definitions/sensor-loader.js';
export * from './matching/sensor.registry.js';
export * from './definitions/sensor-teams.js';
export * from './dry-run/dry-run.js';
