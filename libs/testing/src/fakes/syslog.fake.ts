import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/** One RFC 5424 message, split into its parts (structured data kept as text and as params). */
export interface SyslogMessage {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: string;
  /** PARAM-NAME → unescaped PARAM-VALUE of every SD-ELEMENT. */
  params: Record<string, string>;
  msg: string;
  /** The exact bytes between the frame's length prefix and the next frame. */
  raw: string;
}

/**
 * A loopback syslog collector over TCP, or TLS with `{ key, cert }`: reads RFC 6587 octet-counted
 * frames (`<length> <message>`), parses each RFC 5424 message and records it. A frame that does
 * not parse is kept in `malformed` so a test sees framing mistakes. `stop()` and `start()` again
 * (same port) script an outage.
 */
export class FakeSyslogServer {
  readonly messages: SyslogMessage[] = [];
  readonly malformed: string[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly tls?: { key: string; cert: string }) {}

  /** `tcp://127.0.0.1:<port>` or `tls://127.0.0.1:<port>`. */
  get url(): string {
    return `${this.tls ? 'tls' : 'tcp'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const onSocket = (socket: Socket): void => this.accept(socket);
    this.server = this.tls ? createTlsServer({ ...this.tls }, onSocket) : createTcpServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Closes the listener and every connection (the forwarder sees the collector go away). */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) return;
        const length = Number(buffer.subarray(0, space).toString('ascii'));
        if (!Number.isInteger(length) || length <= 0) {
          this.malformed.push(buffer.toString('utf8'));
          socket.destroy();
          return;
        }
        if (buffer.length < space + 1 + length) return;
        const raw = buffer.subarray(space + 1, space + 1 + length).toString('utf8');
        buffer = buffer.subarray(space + 1 + length);
        const parsed = parseRfc5424(raw);
        if (parsed) this.messages.push(parsed);
        else this.malformed.push(raw);
      }
    });
  }
}

const HEADER = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) /;

/** Parses one RFC 5424 message; undefined when it is not one. */
export function parseRfc5424(raw: string): SyslogMessage | undefined {
  const header = HEADER.exec(raw);
  if (!header) return undefined;
  let rest = raw.slice(header[0].length);
  let structuredData = '-';
  const params: Record<string, string> = {};
  if (rest.startsWith('-')) {
    rest = rest.slice(1);
  } else if (rest.startsWith('[')) {
    let i = 0;
    while (rest[i] === '[') {
      let inValue = false;
      i++;
      for (; i < rest.length; i++) {
        const c = rest[i];
        if (inValue && c === '\\') i++;
        else if (c === '"') inValue = !inValue;
        else if (!inValue && c === ']') break;
      }
      i++;
    }
    structuredData = rest.slice(0, i);
    for (const match of structuredData.matchAll(/ ([^ =\]"]+)="((?:\\.|[^"\\])*)"/g)) {
      params[match[1]!] = match[2]!.replace(/\\(["\\\]])/g, '$1');
    }
    rest = rest.slice(i);
  } else {
    return undefined;
  }
  if (rest !== '' && !rest.startsWith(' ')) return undefined;
  return {
    pri: Number(header[1]),
    version: Number(header[2]),
    timestamp: header[3]!,
    hostname: header[4]!,
    appName: header[5]!,
    procId: header[6]!,
    msgId: header[7]!,
    structuredData,
    params,
    msg: rest.slice(1),
    raw,
  };
}

/** An ArcSight CEF line, unescaped. */
export interface CefMessage {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  extensions: Record<string, string>;
}

/** Parses `CEF:0|vendor|product|version|id|name|severity|k=v k=v`; undefined when it is not CEF. */
export function parseCef(text: string): CefMessage | undefined {
  if (!text.startsWith('CEF:')) return undefined;
  const fields: string[] = [];
  let current = '';
  let i = 4;
  for (; i < text.length && fields.length < 7; i++) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) current += text[++i];
    else if (c === '|') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  if (fields.length < 7) return undefined;
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    version,
    vendor,
    product,
    deviceVersion,
    signatureId,
    name,
    severity,
    extensions: parseExtensions(text.slice(i)),
  };
}

/** `k=v k2=v with spaces` — a value runs until the next unescaped ` key=`. */
function parseExtensions(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const keyAt = /(?:^| )([A-Za-z0-9_]+)=/g;
  const starts: { key: string; from: number; valueFrom: number }[] = [];
  for (const match of text.matchAll(keyAt)) {
    if (isEscaped(text, match.index + match[0].length - 1)) continue;
    starts.push({ key: match[1]!, from: match.index, valueFrom: match.index + match[0].length });
  }
  for (const [n, start] of starts.entries()) {
    const end = starts[n + 1]?.from ?? text.length;
    result[start.key] = unescapeValue(text.slice(start.valueFrom, end));
  }
  return result;
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

function unescapeValue(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}
