export * from './call-recorder.js';
