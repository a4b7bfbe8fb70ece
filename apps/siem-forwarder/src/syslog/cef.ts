import { type HubEvent } from '@hub/contracts';
import { type SiemRecord } from '../sinks/siem-record.js';

export const CEF_VENDOR = 'Hub';
export const CEF_PRODUCT = 'hub';
export const CEF_VERSION = '0.1.0';
/** `msg` is cut here: collectors commonly limit a CEF line to a few KiB. */
const MAX_MSG = 1_023;

/** Header fields: `\` and `|` escaped, line breaks flattened (CEF allows none in the header). */
export function escapeCefHeader(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

/** Extension values: `\` and `=` escaped, line breaks as `\n` / `\r`. */
export function escapeCefValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * One record as an ArcSight CEF line (`CEF:0|Hub|hub|0.1.0|<type>|<name>|<severity>|<extensions>`).
 * The mapping is listed in docs/siem.md; the event's data goes whole (as JSON, cut) into `msg`.
 */
export function toCef({ event, traceId }: SiemRecord): string {
  const data = asObject(event.data);
  const time = Date.parse(event.time);
  const extensions: [string, string | undefined][] = [
    ['rt', Number.isNaN(time) ? undefined : String(time)],
    ['externalId', event.id],
    ['cat', event.type.split('.')[0]],
    ['act', stringField(data, 'kind')],
    ['outcome', outcomeOf(event.type)],
    ['suser', event.hubsource],
    ['cs1Label', 'source'],
    ['cs1', event.source],
    ['cs2Label', 'subject'],
    ['cs2', event.subject],
    ['cs3Label', 'traceId'],
    ['cs3', traceId],
    ['cs4Label', 'incidentKey'],
    ['cs4', event.incidentkey ?? stringField(data, 'incidentKey')],
    ['cs5Label', 'correlationId'],
    ['cs5', event.correlationid],
    ['msg', truncate(JSON.stringify(event.data) ?? '', MAX_MSG)],
  ];
  const header = [
    'CEF:0',
    CEF_VENDOR,
    CEF_PRODUCT,
    CEF_VERSION,
    event.type,
    event.subject ? `${event.type} ${event.subject}` : event.type,
    String(cefSeverity(event)),
  ]
    .map((field, index) => (index === 0 ? field : escapeCefHeader(truncate(field, 512))))
    .join('|');
  const pairs = extensions
    .filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => `${key}=${escapeCefValue(value)}`);
  return `${header}|${pairs.join(' ')}`;
}

/** 0–10: failures and critical alerts high, ordinary traffic low. */
export function cefSeverity(event: HubEvent): number {
  const data = asObject(event.data);
  const labels = asObject(data?.labels);
  const severity = stringField(data, 'severity') ?? stringField(labels, 'severity');
  switch ((severity ?? '').toLowerCase()) {
    case 'critical':
      return 9;
    case 'error':
    case 'high':
      return 8;
    case 'warning':
      return 6;
    default:
      if (event.type.endsWith('.failed')) return 7;
      return event.type === 'alert.firing' ? 5 : 3;
  }
}

function outcomeOf(type: string): string | undefined {
  if (type.endsWith('.succeeded')) return 'success';
  if (type.endsWith('.failed')) return 'failure';
  return undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringField(object: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' ? value : undefined;
}

function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
