import { hostname } from 'node:os';

export interface SyslogHeader {
  facility: number;
  /** RFC 5424 severity, 0 (emergency) … 7 (debug). */
  severity: number;
  timestamp: string;
  appName: string;
  msgId: string;
  /** SD-PARAMs of the one SD-ELEMENT `hub@32473` (32473 is the documentation enterprise number). */
  params: Record<string, string | undefined>;
}

const HOST = printable(hostname(), 255);

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG` (RFC 5424 §6). */
export function formatRfc5424(header: SyslogHeader, message: string): string {
  const pri = header.facility * 8 + header.severity;
  const params = Object.entries(header.params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([name, value]) => ` ${name}="${escapeParamValue(value)}"`)
    .join('');
  const sd = params === '' ? '-' : `[hub@32473${params}]`;
  return [
    `<${pri}>1`,
    header.timestamp,
    HOST,
    printable(header.appName, 48),
    String(process.pid),
    printable(header.msgId, 32),
    sd,
    message,
  ].join(' ');
}

/** RFC 6587 octet counting: `<length in bytes> <message>`, so a message may hold line breaks. */
export function frameOctetCounted(message: string): string {
  return `${Buffer.byteLength(message, 'utf8')} ${message}`;
}

/** CEF severity (0–10) → syslog severity. */
export function syslogSeverity(cefSeverity: number): number {
  if (cefSeverity >= 9) return 2;
  if (cefSeverity >= 7) return 3;
  if (cefSeverity >= 5) return 4;
  if (cefSeverity >= 3) return 5;
  return 6;
}

/** `"`, `\` and `]` are the characters a PARAM-VALUE must escape (RFC 5424 §6.3.3). */
function escapeParamValue(value: string): string {
  return value.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

/** Header fields are printable US-ASCII without spaces, bounded; empty → NILVALUE. */
function printable(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}
