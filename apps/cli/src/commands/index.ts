import { type CommandGroup } from '../command.js';
import { auditCommands } from './audit.js';
import { dlqCommand } from './dlq.command.js';
import { eventsCommand, replayCommand } from './event-log.commands.js';
import { requestsCommand } from './requests.command.js';
import { schedulesCommand } from './schedules.js';
import { sensorsCommand } from './sensors.command.js';
import { approveCommand, denyCommand } from './approvals.command.js';
import { silencesCommand } from './silences.command.js';

/** Every command group of `hub`, in the order `hub --help` lists them. Add a group here. */
export const commandGroups: readonly CommandGroup[] = [
  sensorsCommand,
  replayCommand,
  eventsCommand,
  schedulesCommand,
  auditCommands,
  dlqCommand,
  requestsCommand,
  silencesCommand,
  approveCommand,
  denyCommand,
];
