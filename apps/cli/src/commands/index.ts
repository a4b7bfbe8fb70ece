import { type CommandGroup } from '../command.js';
import { auditCommands } from './audit.js';
import { schedulesCommand } from './schedules.js';

/** Every command group of `hub`, in the order `hub --help` lists them. Add a group here. */
export const commandGroups: readonly CommandGroup[] = [schedulesCommand, auditCommands];
