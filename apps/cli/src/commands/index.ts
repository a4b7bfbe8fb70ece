import { type CommandGroup } from '../command.js';
import { eventsCommand, replayCommand } from './event-log.commands.js';
import { sensorsCommand } from './sensors.command.js';

/** Every command group of `hub`, in the order `hub --help` lists them. Add a group here. */
export const commandGroups: readonly CommandGroup[] = [sensorsCommand, replayCommand, eventsCommand];
