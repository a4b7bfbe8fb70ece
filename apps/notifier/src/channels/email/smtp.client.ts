import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type Transporter } from 'nodemailer';
import { type CallRecorder } from '@hub/recorder';
import { ChannelRejectedError, ChannelUnavailableError } from '../channel.errors.js';
import { type SmtpSettings } from './email.config.js';
import { type EmailMessage } from './email.message.js';

/** No answer after the message may have reached the server (a timeout, a dropped connection mid-DATA). */
export class SmtpUnreachableError extends ChannelUnavailableError {}

/** What the server said about one message. */
export interface EmailSendInfo {
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
  /** The server's final answer (`250 OK: queued as …`). */
  readonly response?: string;
}

/** Where emails go: an SMTP server, or the outbox. */
export interface EmailSender {
  readonly mode: 'live' | 'outbox';
  readonly outboxPath?: string;
  /** The sender address (`SMTP_FROM`). */
  readonly from: string;
  send(message: EmailMessage): Promise<EmailSendInfo>;
}

/** Errors that mean the message never reached the server: the retry sends it at once. */
const NOT_SENT = new Set(['EDNS', 'ETLS', 'EREQUIRETLS', 'EAUTH', 'ENOAUTH', 'EENVELOPE', 'ECONFIG', 'EPROXY']);
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const tracer = trace.getTracer('@hub/notifier');

/**
 * nodemailer over SMTP: a new connection per message (notifications are few; nothing to keep
 * open or close), STARTTLS required unless `SMTP_TLS` says otherwise, AUTH when a user is set.
 * A 4xx answer is retried later, a 5xx is final; a failure before the message went out is retried;
 * a failure after it may have (a lost final answer) is {@link SmtpUnreachableError}.
 */
export class SmtpEmailSender implements EmailSender {
  readonly mode = 'live';
  readonly from: string;
  /** nodemailer is loaded with the first email (a notifier without SMTP never loads it: ~16 MB RSS). */
  private transport?: Promise<Transporter>;

  constructor(private readonly settings: SmtpSettings) {
    this.from = settings.from;
  }

  private transportOf(): Promise<Transporter> {
    const { settings } = this;
    this.transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.tls === 'implicit',
        requireTLS: settings.tls === 'starttls',
        ignoreTLS: settings.tls === 'none',
        ...(settings.auth ? { auth: { user: settings.auth.user, pass: settings.auth.pass } } : {}),
        ...(settings.ca ? { tls: { ca: settings.ca } } : {}),
        connectionTimeout: settings.timeoutMs,
        greetingTimeout: settings.timeoutMs,
        socketTimeout: settings.timeoutMs,
      }),
    );
    return this.transport;
  }

  send(message: EmailMessage): Promise<EmailSendInfo> {
    return tracer.startActiveSpan(
      'smtp send',
      {
        kind: SpanKind.CLIENT,
        attributes: { 'server.address': this.settings.host, 'server.port': this.settings.port },
      },
      async (span) => {
        try {
          const transport = await this.transportOf();
          const info = (await transport.sendMail({
            from: this.from,
            to: [...message.to],
            subject: message.subject,
            text: message.text,
            html: message.html,
            messageId: message.messageId,
            ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
            ...(message.references ? { references: [...message.references] } : {}),
            headers: { ...message.headers },
          })) as {
            accepted: (string | { address: string })[];
            rejected: (string | { address: string })[];
            response?: string;
          };
          span.setAttribute('smtp.response', info.response ?? '');
          return {
            accepted: info.accepted.map(addressOf),
            rejected: info.rejected.map(addressOf),
            ...(info.response ? { response: info.response } : {}),
          };
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw smtpError(error);
        } finally {
          span.end();
        }
      },
    );
  }
}

/** Email when no SMTP server is configured: the message goes to `$HUB_DATA_DIR/outbox/email.jsonl`. */
export class EmailOutboxSender implements EmailSender {
  readonly mode = 'outbox';

  constructor(
    private readonly outbox: CallRecorder,
    readonly from: string,
  ) {}

  get outboxPath(): string {
    return this.outbox.path;
  }

  async send(message: EmailMessage): Promise<EmailSendInfo> {
    await this.outbox.write('smtp.send', { from: this.from, ...message });
    return { accepted: [...message.to], rejected: [] };
  }
}

/** A nodemailer failure as a channel error: what the server answered decides, else whether anything went out. */
export function smtpError(error: unknown): ChannelUnavailableError | ChannelRejectedError {
  const e = error as { code?: string; originalCode?: string; responseCode?: number; message?: string };
  const reason = `SMTP: ${e.message ?? String(error)}`;
  if (typeof e.responseCode === 'number') {
    return e.responseCode >= 500
      ? new ChannelRejectedError('email', reason, { cause: error })
      : new ChannelUnavailableError('email', reason, { cause: error });
  }
  if ((e.code && NOT_SENT.has(e.code)) || (e.originalCode && NO_CONNECTION.has(e.originalCode))) {
    return e.code === 'EENVELOPE' || e.code === 'ENOAUTH'
      ? new ChannelRejectedError('email', reason, { cause: error })
      : new ChannelUnavailableError('email', reason, { cause: error });
  }
  return new SmtpUnreachableError('email', reason, { cause: error });
}

function addressOf(entry: string | { address: string }): string {
  return typeof entry === 'string' ? entry : entry.address;
}
