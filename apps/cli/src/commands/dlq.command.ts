import { DEFAULT_AMQP_URL, parseDurationMs } from '@hub/config';
import { HubHeaders } from '@hub/messaging';
import { type CommandGroup, type CommandIo, UsageError } from '../command.js';
import { DlqBroker, matches, type ParkedFilter, type ParkedMessage } from './dlq.broker.js';

/** The consuming services, each with its quorum queue `<service>`, retry tiers and `<service>.dlq`. */
export const DLQ_SERVICES = ['sensor', 'notifier', 'remediation-executor', 'ticketing', 'siem-forwarder'] as const;

const USAGE = `Usage: hub dlq list [<service>] [--limit <n>]
       hub dlq show <service> <event-id>
       hub dlq replay <service> [filters] [--dry-run]
       hub dlq purge <service> [filters] [--yes]

  The parking queues <service>.dlq on the bus (AMQP_URL). Messages are read without acking and
  go back to the queue untouched unless replayed or purged.

  list      the depth of every service's DLQ; with a service, one line per parked message
  show      one message's headers (reason headers marked with *) and its body
  replay    republishes the matching messages to the service's queue with a fresh attempt count,
            acking each DLQ copy only after the broker confirmed the new one
  purge     deletes the matching messages; without --yes only says what it would delete

  Filters:  --type <event type>  --reason <text in the reason>  --older-than <1h|30m|2d>  --id <event id>
  --limit <n>   messages to look at (default 50)
  Services: ${DLQ_SERVICES.join(', ')}

Example: hub dlq replay notifier --type alert.firing --older-than 1h --dry-run`;

interface Options {
  filter: ParkedFilter;
  limit: number;
  dryRun: boolean;
  yes: boolean;
}

/** `hub dlq …`: dead letters you can act on. */
export const dlqCommand: CommandGroup = {
  name: 'dlq',
  summary: 'list, show, replay or purge the messages parked in a service’s dead-letter queue',
  usage: USAGE,
  async run(args, io) {
    const [command, ...rest] = args;
    const words = rest.filter((word, i) => !word.startsWith('--') && !(rest[i - 1] ?? '').match(VALUE_FLAG));
    const options = parseOptions(rest);
    if (command === 'list' && words.length === 0) return withBroker(io, (broker) => listDepths(broker, io));
    const [service, eventId] = words;
    if (command === undefined) throw new UsageError('missing command');
    if (!['list', 'show', 'replay', 'purge'].includes(command)) throw new UsageError(`unknown "${command}"`);
    if (service === undefined) throw new UsageError(`${command} needs a service`);
    checkService(service);
    if (command === 'show') {
      if (eventId === undefined) throw new UsageError('show needs an event id');
      return withBroker(io, (broker) => show(broker, service, eventId, options.limit, io));
    }
    if (words.length > 1) throw new UsageError(`unexpected "${words[1]}"`);
    if (command === 'list') return withBroker(io, (broker) => listMessages(broker, service, options.limit, io));
    if (command === 'replay') return withBroker(io, (broker) => replay(broker, service, options, io));
    return withBroker(io, (broker) => purge(broker, service, options, io));
  },
};

const VALUE_FLAG = /^--(type|reason|older-than|id|limit)$/;

function parseOptions(args: readonly string[]): Options {
  const options: Options = { filter: {}, limit: 50, dryRun: false, yes: false };
  const filter: { -readonly [K in keyof ParkedFilter]: ParkedFilter[K] } = {};
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i] ?? '';
    if (!flag.startsWith('--')) continue;
    if (flag === '--dry-run') options.dryRun = true;
    else if (flag === '--yes') options.yes = true;
    else if (VALUE_FLAG.test(flag)) {
      const value = args[(i += 1)];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      if (flag === '--type') filter.type = value;
      else if (flag === '--reason') filter.reason = value;
      else if (flag === '--id') filter.id = value;
      else if (flag === '--limit') {
        if (!/^[1-9]\d{0,4}$/.test(value)) throw new UsageError(`--limit must be 1 to 99999, not "${value}"`);
        options.limit = Number(value);
      } else {
        const ms = parseDurationMs(value);
        if (ms === undefined)
          throw new UsageError(`--older-than must be a duration like 30m, 1h or 2d, not "${value}"`);
        filter.olderThanMs = ms;
      }
    } else throw new UsageError(`unknown option ${flag}`);
  }
  options.filter = filter;
  return options;
}

function checkService(service: string): void {
  if (!(DLQ_SERVICES as readonly string[]).includes(service)) {
    throw new UsageError(`unknown service "${service}"; the services are: ${DLQ_SERVICES.join(', ')}`);
  }
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
