import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { ALL_TAKEN, type BatchOutcome, type Sink } from '../sinks/sink.js';
import { SinkUnavailableError } from '../sinks/sink.errors.js';
import { type SiemRecord } from '../sinks/siem-record.js';
import { cefSeverity, toCef } from './cef.js';
import { formatRfc5424, frameOctetCounted, syslogSeverity } from './rfc5424.js';

export interface SyslogOptions {
  /** `tcp://host:port` or `tls://host:port`. */
  url: string;
  /** PEM of the CA(s) to trust for TLS (else the system's). */
  ca?: string;
  insecure: boolean;
  facility: number;
  timeoutMs: number;
}

/**
 * Syslog over TCP or TLS: each record an RFC 5424 message with a CEF payload, octet-counted
 * (RFC 6587), a batch written in one go on one long-lived connection. Plain syslog has no
 * application-level acknowledgement: a batch counts as taken once the socket flushed it to the
 * kernel; a broken connection fails the batch, which is then sent again on a new connection
 * (at-least-once; the collector may see a record twice).
 */
export class SyslogSink implements Sink {
  readonly name = 'syslog';
  private socket?: Socket;
  private readonly host: string;
  private readonly port: number;
  private readonly tls: boolean;

  constructor(private readonly options: SyslogOptions) {
    const url = new URL(options.url);
    this.tls = url.protocol === 'tls:';
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || (this.tls ? 6514 : 601));
  }

  get target(): string {
    return `${this.tls ? 'tls' : 'tcp'}://${this.host}:${this.port}`;
  }

  async deliver(batch: readonly SiemRecord[]): Promise<BatchOutcome> {
    const frames = batch.map((record) => frameOctetCounted(this.format(record))).join('');
    const socket = await this.connected();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`write not flushed within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      socket.write(frames, (error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      });
    }).catch((error: unknown) => {
      this.drop(socket);
      throw new SinkUnavailableError(this.name, `writing to ${this.target} failed: ${String(error)}`, { cause: error });
    });
    return ALL_TAKEN;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket && !socket.destroyed) await new Promise<void>((resolve) => socket.end(resolve));
  }

  private format(record: SiemRecord): string {
    const cef = toCef(record);
    return formatRfc5424(
      {
        facility: this.options.facility,
        severity: syslogSeverity(cefSeverity(record.event)),
        timestamp: record.event.time,
        appName: 'hub',
        msgId: record.event.type,
        params: { eventId: record.event.id, traceId: record.traceId },
      },
      cef,
    );
  }

  private async connected(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed && this.socket.writable) return this.socket;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const options = { host: this.host, port: this.port, timeout: this.options.timeoutMs };
      const fresh = this.tls
        ? connectTls(
            {
              ...options,
              servername: isIP(this.host) ? undefined : this.host,
              ca: this.options.ca,
              rejectUnauthorized: !this.options.insecure,
            },
            () => resolve(fresh),
          )
        : connectTcp(options, () => resolve(fresh));
      fresh.once('error', reject);
      fresh.once('timeout', () => fresh.destroy(new Error(`no connection within ${this.options.timeoutMs} ms`)));
    }).catch((error: unknown) => {
      throw new SinkUnavailableError(this.name, `cannot connect to ${this.target}: ${String(error)}`, { cause: error });
    });
    socket.setTimeout(0);
    socket.setKeepAlive(true, 30_000);
    socket.on('error', () => this.drop(socket));
    socket.on('close', () => this.drop(socket));
    // Collectors do not talk back; reading keeps a closed peer visible as 'end'.
    socket.on('data', () => undefined);
    socket.on('end', () => this.drop(socket));
    this.socket = socket;
    return socket;
  }

  private drop(socket: Socket): void {
    if (this.socket === socket) this.socket = undefined;
    socket.destroy();
  }
}
