export * from './event-sources.app.js';
export * from './event-sources.config.js';
export * from './event-sources.module.js';
export * from './config/source-loader.js';
export * from './config/source.errors.js';
export * from './config/source.schema.js';
export * from './sources/source.js';
