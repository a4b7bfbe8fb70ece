export * from './silence.js';
export * from './silence.schema.js';
