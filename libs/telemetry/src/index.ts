export * from './tracing.js';
export * from './logger.js';
export * from './metrics.js';
export * from './metrics.controller.js';
export * from './span-name.interceptor.js';
export * from './trace-link.js';
export * from './log-redaction.js';
