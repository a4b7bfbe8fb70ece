import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request a fake received, as the vendor would have seen it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The bytes as sent (still compressed when `content-encoding: gzip`). */
  raw: Buffer;
  /** The body as text, un-gzipped when it was sent with `content-encoding: gzip` (and is valid gzip). */
  body: string;
  /** The body parsed as JSON, or as a form (`application/x-www-form-urlencoded`), else undefined. */
  json?: unknown;
  at: number;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Close the connection without answering (the request was handled, the answer is lost). */
  drop?: boolean;
}

/**
 * A fault every request meets before the routes (fault tests): an answer such as a 503 or a 429 with
 * Retry-After, or `hang` (no answer until the fault is cleared, then the connection is dropped). The
 * vendor does nothing for a faulted request: no route runs, so no side effect is recorded.
 */
export type FakeFault = FakeReply | 'hang';

/** Answers one request; return undefined to fall through to the next route. */
export type FakeRoute = (request: RecordedRequest) => FakeReply | undefined | Promise<FakeReply | undefined>;

/**
 * A loopback HTTP server that records every request and answers from its routes, in the order
 * they were added (later `route()` calls win, so a test can script a failure over the default).
 * The base of the vendor fakes (Argo CD, Kubernetes, Slack, Teams, …).
 */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: { method: string; pattern: RegExp; handle: FakeRoute }[] = [];
  private server?: Server;
  private base = '';
  private current?: FakeFault;
  private readonly hanging = new Set<() => void>();

  /** `http://127.0.0.1:<port>` once started. */
  get url(): string {
    return this.base;
  }

  /** Adds a route; `pattern` matches the path (without query). Later routes are tried first. */
  route(method: string, pattern: RegExp, handle: FakeRoute): this {
    this.routes.unshift({ method, pattern, handle });
    return this;
  }

  /** Answers every request with `fault` (or holds it, `hang`) until called again without one. */
  fault(fault?: FakeFault): this {
    this.current = fault;
    if (fault !== 'hang') this.releaseHanging();
    return this;
  }

  /** Listens on a loopback port; with `tls` (a key and certificate, e.g. {@link selfSignedCertificate}) over https. */
  async start(tls?: { key: string; cert: string }): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = tls ? createTlsServer(tls, handler) : createServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.releaseHanging();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests whose method and path match. */
  find(method: string, pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = decode(raw, req.headers['content-encoding']);
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      raw,
      body,
      json: parseBody(body, req.headers['content-type']),
      at: Date.now(),
    };
    this.requests.push(request);
    if (this.current === 'hang') {
      await new Promise<void>((resolve) => this.hanging.add(resolve));
      res.socket?.destroy();
      return;
    }
    let reply: FakeReply | undefined = this.current;
    for (const route of reply ? [] : this.routes) {
      if (route.method !== request.method || !route.pattern.test(request.path)) continue;
      reply = await route.handle(request);
      if (reply) break;
    }
    reply ??= { status: 404, body: { message: `no fake route for ${request.method} ${request.path}` } };
    if (reply.drop) {
      res.socket?.destroy();
      return;
    }
    const payload =
      reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, {
      ...(typeof reply.body === 'string' ? {} : { 'content-type': 'application/json' }),
      ...reply.headers,
    });
    res.end(payload);
  }

  private releaseHanging(): void {
    for (const release of this.hanging) release();
    this.hanging.clear();
  }
}

function decode(raw: Buffer, encoding: string | undefined): string {
  if (encoding !== 'gzip') return raw.toString('utf8');
  try {
    return gunzipSync(raw).toString('utf8');
  } catch {
    return raw.toString('utf8');
  }
}

function parseBody(body: string, contentType: string | undefined): unknown {
  if (body === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
