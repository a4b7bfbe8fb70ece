export * from './ticketing.app.js';
export * from './ticketing.config.js';
export * from './providers/ticket-provider.js';
export * from './tickets/ticket-content.js';
