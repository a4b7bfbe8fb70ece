export * from './siem-forwarder.app.js';
export * from './siem-forwarder.config.js';
export * from './audit/audit-chain.js';
