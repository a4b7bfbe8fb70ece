export { main } from './cli.js';
export { type CommandGroup, type CommandIo, UsageError } from './command.js';
