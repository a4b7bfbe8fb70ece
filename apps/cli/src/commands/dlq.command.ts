import { DEFAULT_AMQP_URL } from '@hub/config';
import { HubHeaders } from '@hub/messaging';
import { type Command, InvalidArgumentError } from 'commander';
import { type CommandGroup, type CommandIo } from '../command.js';
import { duration, positiveInt } from '../options.js';
import { DlqBroker, matches, type ParkedFilter, type ParkedMessage } from './dlq.broker.js';

/** The consuming services, each with its quorum queue `<service>`, retry tiers and `<service>.dlq`. */
export const DLQ_SERVICES = ['sensor', 'notifier', 'remediation-executor', 'ticketing', 'siem-forwarder'] as const;

interface Options {
  filter: ParkedFilter;
  limit: number;
  dryRun: boolean;
  yes: boolean;
}

interface Flags {
  type?: string;
  reason?: string;
  olderThan?: number;
  id?: string;
  limit: number;
  dryRun?: boolean;
  yes?: boolean;
}

/** `hub dlq …`: dead letters you can act on. */
export const dlqCommand: CommandGroup = {
  name: 'dlq',
  summary: 'list, show, replay or purge the messages parked in a service’s dead-letter queue',
  define(group, { io, action }) {
    group.addHelpText(
      'after',
      `\nThe parking queues <service>.dlq on the bus (AMQP_URL). Messages are read without acking and go back\nto the queue untouched unless replayed or purged.\nServices: ${DLQ_SERVICES.join(', ')}\nExample: hub dlq replay notifier --type alert.firing --older-than 1h --dry-run`,
    );
    const limit = (command: Command) => command.option('--limit <n>', 'messages to look at', positiveInt(99_999), 50);
    const filters = (command: Command) =>
      limit(command)
        .option('--type <event type>', 'only messages of this event type')
        .option('--reason <text>', 'only messages whose reason contains this text')
        .option('--older-than <duration>', 'only messages parked longer ago than this (30m, 1h30m, 2d)', duration)
        .option('--id <event id>', 'only the message of this event id');
    const service = (command: Command) => command.argument('<service>', 'the service whose DLQ to read', checkService);
    action(
      limit(
        group
          .command('list')
          .description('the depth of every service’s DLQ; with a service, one line per parked message')
          .argument('[service]', 'the service whose DLQ to list', checkService),
      ),
      (name: string | undefined, flags: Flags) =>
        withBroker(io, (broker) => (name ? listMessages(broker, name, flags.limit, io) : listDepths(broker, io))),
    );
    action(
      limit(
        service(group.command('show').description('one message’s headers (reason headers marked *) and its body')),
      ).argument('<event-id>', 'the event id of the message'),
      (name: string, eventId: string, flags: Flags) =>
        withBroker(io, (broker) => show(broker, name, eventId, flags.limit, io)),
    );
    action(
      filters(
        service(
          group
            .command('replay')
            .description(
              'republishes the matching messages to the service’s queue with a fresh attempt count, acking each DLQ copy only after the broker confirmed the new one',
            ),
        ),
      ).option('--dry-run', 'only say what would be replayed'),
      (name: string, flags: Flags) => withBroker(io, (broker) => replay(broker, name, optionsOf(flags), io)),
    );
    action(
      filters(
        service(
          group.command('purge').description('deletes the matching messages; without --yes only says what it would'),
        ),
      ).option('--yes', 'really delete them'),
      (name: string, flags: Flags) => withBroker(io, (broker) => purge(broker, name, optionsOf(flags), io)),
    );
  },
};

function optionsOf(flags: Flags): Options {
  const filter: { -readonly [K in keyof ParkedFilter]: ParkedFilter[K] } = {};
  if (flags.type !== undefined) filter.type = flags.type;
  if (flags.reason !== undefined) filter.reason = flags.reason;
  if (flags.id !== undefined) filter.id = flags.id;
  if (flags.olderThan !== undefined) filter.olderThanMs = flags.olderThan;
  return { filter, limit: flags.limit, dryRun: flags.dryRun ?? false, yes: flags.yes ?? false };
}

function checkService(service: string): string {
  if (!(DLQ_SERVICES as readonly string[]).includes(service)) {
    throw new InvalidArgumentError(`unknown service "${service}"; the services are: ${DLQ_SERVICES.join(', ')}`);
  }
  return service;
}

async function withBroker(io: CommandIo, work: (broker: DlqBroker) => Promise<number>): Promise<number> {
  const broker = await DlqBroker.open(io.env.AMQP_URL || DEFAULT_AMQP_URL);
  try {
    return await work(broker);
  } finally {
    await broker.close();
  }
}

async function listDepths(broker: DlqBroker, io: CommandIo): Promise<number> {
  const width = Math.max(...DLQ_SERVICES.map((service) => service.length)) + 4;
  io.out(`${'queue'.padEnd(width)}  parked`);
  for (const service of DLQ_SERVICES) {
    const depth = await broker.depth(service).then(String, () => 'not declared');
    io.out(`${`${service}.dlq`.padEnd(width)}  ${depth}`);
  }
  return 0;
}

async function listMessages(broker: DlqBroker, service: string, limit: number, io: CommandIo): Promise<number> {
  const now = new Date();
  const lines: string[] = [];
  const { depth } = await broker.sweep(service, limit, (parked) => {
    lines.push(line(parked, now));
  });
  io.out(`${service}.dlq: ${depth} parked${depth > lines.length ? `, showing the first ${lines.length}` : ''}`);
  for (const text of lines) io.out(text);
  return 0;
}

async function show(broker: DlqBroker, service: string, eventId: string, limit: number, io: CommandIo) {
  let found: ParkedMessage | undefined;
  await broker.sweep(service, Math.max(limit, 1_000), (parked) => {
    found ??= parked.eventId === eventId ? parked : undefined;
  });
  if (!found) {
    io.err(`hub dlq: no message with event id ${eventId} in ${service}.dlq`);
    return 1;
  }
  io.out(`${service}.dlq #${found.index}  ${found.type}  ${found.eventId}`);
  io.out('headers:');
  for (const [name, value] of Object.entries(found.headers)) {
    const mark = REASON_HEADERS.has(name) ? '*' : ' ';
    io.out(`${mark} ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  io.out('body:');
  io.out(pretty(found.body));
  return 0;
}

const REASON_HEADERS = new Set<string>([
  HubHeaders.deadLetterReason,
  HubHeaders.lastError,
  HubHeaders.deadLetteredAt,
  'x-first-death-reason',
]);

async function replay(broker: DlqBroker, service: string, options: Options, io: CommandIo): Promise<number> {
  const republish = options.dryRun ? undefined : await broker.republisher(service);
  const now = new Date();
  let replayed = 0;
  let seen = 0;
  let failure: string | undefined;
  const { depth } = await broker.sweep(service, options.limit, async (parked, message, ack) => {
    seen += 1;
    if (seen % 100 === 0) io.out(`… ${seen} looked at, ${replayed} replayed`);
    if (failure !== undefined || !matches(parked, options.filter, now)) return;
    if (!republish) {
      io.out(`would replay ${line(parked, now)}`);
      replayed += 1;
      return;
    }
    try {
      await republish(message, parked);
      ack();
      replayed += 1;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
  });
  const left = depth - replayed;
  io.out(`${options.dryRun ? 'dry run: would replay' : 'replayed'} ${replayed} to ${service}, left ${left}`);
  if (failure !== undefined) {
    io.err(`hub dlq: stopped: ${failure}; the rest stays parked`);
    return 1;
  }
  return 0;
}

async function purge(broker: DlqBroker, service: string, options: Options, io: CommandIo): Promise<number> {
  const now = new Date();
  let count = 0;
  const { depth } = await broker.sweep(service, options.limit, (parked, _message, ack) => {
    if (!matches(parked, options.filter, now)) return;
    count += 1;
    if (options.yes) ack();
    else io.out(`would delete ${line(parked, now)}`);
  });
  const left = depth - (options.yes ? count : 0);
  if (options.yes) io.out(`deleted ${count} from ${service}.dlq, left ${left}`);
  else io.out(`would delete ${count} from ${service}.dlq; nothing deleted: re-run with --yes to delete them`);
  return 0;
}

function line(parked: ParkedMessage, now: Date): string {
  const at = parked.parkedAt ? `${parked.parkedAt.toISOString()} (${age(now, parked.parkedAt)} ago)` : '-';
  return `#${parked.index}  ${parked.type}  ${parked.eventId}  ${parked.source}  ${at}  ${parked.reason}`;
}

function age(now: Date, then: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1_000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
