import { type CommandGroup } from '../command.js';
import { sensorsCommand } from './sensors.command.js';

/** Every command group of `hub`, in the order `hub --help` lists them. Add a group here. */
export const commandGroups: readonly CommandGroup[] = [sensorsCommand];
