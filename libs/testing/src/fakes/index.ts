export * from './fake-http.server.js';
