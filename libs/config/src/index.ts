export * from './config.errors.js';
export * from './env.js';
export * from './hub.config.js';
export * from './teams.config.js';
export * from './duration.js';
export * from './yaml-documents.js';
export * from './yaml-files.js';
