export * from './remediation-executor.app.js';
export * from './remediation-executor.config.js';
export * from './remediation-executor.module.js';
export * from './actions/action.js';
export * from './runner/action-result.js';
