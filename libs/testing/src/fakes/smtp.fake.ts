import { type AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** One message the server took, as a mail client would read it (parsed by mailparser). */
export interface ReceivedEmail {
  /** The SMTP envelope: `MAIL FROM` and the accepted `RCPT TO`s. */
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** Whether the session was encrypted (STARTTLS or implicit TLS) when the message came. */
  readonly secure: boolean;
  /** The user that authenticated the session, if any. */
  readonly user?: string;
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
  readonly subject?: string;
  readonly from?: string;
  readonly to: readonly string[];
  readonly text?: string;
  readonly html?: string;
  /** Every header, lower-case names, as text. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A scripted answer: at which command, with which SMTP code and text. */
export interface SmtpScriptedReply {
  readonly at: 'mail' | 'rcpt' | 'data';
  readonly code: number;
  readonly message?: string;
}

export interface FakeSmtpOptions {
  /** Accounts for AUTH (PLAIN / LOGIN); none = no AUTH offered and none required. */
  readonly users?: Readonly<Record<string, string>>;
  /** Certificate for STARTTLS (`selfSignedCertificate()`); without it STARTTLS is not offered. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** TLS from the first byte (the `smtps://` port 465 style) instead of STARTTLS. */
  readonly implicitTls?: boolean;
}

/**
 * A loopback SMTP server (`smtp-server`, the server half of nodemailer's project) that records
 * what it accepts, parsed with `mailparser`. With `tls` it offers STARTTLS and refuses AUTH before
 * it (smtp-server's default); with `users` it requires AUTH. `respondNext` scripts 4xx/5xx answers,
 * `rejectRecipient` refuses one address at RCPT, `stop()` and `start()` again (same port) script
 * an outage.
 */
export class FakeSmtpServer {
  readonly messages: ReceivedEmail[] = [];
  /** Sessions that reached MAIL FROM, to count connections and see what they negotiated. */
  readonly sessions: { secure: boolean; user?: string }[] = [];
  private server?: SMTPServer;
  private port = 0;
  private readonly script: SmtpScriptedReply[] = [];
  private readonly refused = new Set<string>();

  constructor(private readonly options: FakeSmtpOptions = {}) {}

  /** `smtp://127.0.0.1:<port>` (`smtps://` with implicit TLS): `SMTP_URL` without credentials. */
  get url(): string {
    return `${this.options.implicitTls ? 'smtps' : 'smtp'}://127.0.0.1:${this.port}`;
  }

  get listeningPort(): number {
    return this.port;
  }

  /** The messages one address received (envelope recipients). */
  messagesTo(address: string): ReceivedEmail[] {
    return this.messages.filter((m) => m.envelope.to.includes(address.toLowerCase()));
  }

  /** The next matching commands get these answers, one each, before acceptance resumes. */
  respondNext(...replies: SmtpScriptedReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** `RCPT TO:<address>` is answered `550 no such user` from now on. */
  rejectRecipient(address: string): this {
    this.refused.add(address.toLowerCase());
    return this;
  }

  async start(): Promise<this> {
    const users = this.options.users;
    const server = new SMTPServer({
      secure: this.options.implicitTls ?? false,
      ...(this.options.tls ? { key: this.options.tls.key, cert: this.options.tls.cert } : {}),
      hideSTARTTLS: !this.options.tls || this.options.implicitTls === true,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: !users,
      disabledCommands: users ? [] : ['AUTH'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (users && auth.username !== undefined && users[auth.username] === auth.password) {
          callback(null, { user: auth.username });
        } else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onMailFrom: (_address, session, callback) => {
        this.sessions.push({ secure: session.secure, ...(session.user ? { user: String(session.user) } : {}) });
        callback(this.scripted('mail'));
      },
      onRcptTo: (address, _session, callback) => {
        if (this.refused.has(address.address.toLowerCase())) {
          callback(Object.assign(new Error('no such user'), { responseCode: 550 }));
          return;
        }
        callback(this.scripted('rcpt'));
      },
      onData: (stream, session, callback) => {
        const failure = this.scripted('data');
        simpleParser(stream)
          .then((mail) => {
            if (!failure) this.messages.push(received(mail, session));
            callback(failure);
          })
          .catch((error: unknown) => callback(error as Error));
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Closes the listener and every session (clients see the server go away). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const connection of server.connections) connection.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private scripted(at: SmtpScriptedReply['at']): Error | null {
    const index = this.script.findIndex((reply) => reply.at === at);
    if (index < 0) return null;
    const [reply] = this.script.splice(index, 1);
    return Object.assign(new Error(reply!.message ?? `scripted ${reply!.code}`), { responseCode: reply!.code });
  }
}

type ParsedMail = Awaited<ReturnType<typeof simpleParser>>;

function received(mail: ParsedMail, session: SMTPServerSession): ReceivedEmail {
  const addresses = (value: ParsedMail['to']): string[] =>
    (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
  const references = mail.references === undefined ? [] : [mail.references].flat();
  const from = session.envelope.mailFrom;
  return {
    envelope: {
      from: from ? from.address : '',
      to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
    },
    secure: session.secure,
    ...(session.user ? { user: String(session.user) } : {}),
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    references,
    ...(mail.subject !== undefined ? { subject: mail.subject } : {}),
    ...(mail.from ? { from: mail.from.text } : {}),
    to: addresses(mail.to),
    ...(mail.text !== undefined ? { text: mail.text } : {}),
    ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
    headers: Object.fromEntries(mail.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()])),
  };
}
