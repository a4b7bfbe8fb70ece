import { Writable } from 'node:stream';
import { REDACTED } from '@hub/contracts';
import { createLogger, PinoNestLogger } from './logger.js';

/** A pino destination that keeps every line, parsed. */
function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as never);
      done();
    },
  });
  return { lines, stream };
}

describe(createLogger.name, () => {
  it('redacts authorization headers, tokens, passwords and keys, at any depth it is told, and keeps the rest', () => {
    const { lines, stream } = capture();
    const logger = createLogger('test', 'info', stream);
    logger.info(
      {
        req: { method: 'POST', headers: { authorization: 'Bearer s3cret', 'x-api-key': 'k-1', accept: '*/*' } },
        token: 'xoxb-123',
        config: { password: 'hunter2', user: 'hub', client: { apiKey: 'ak' } },
        err: { config: { headers: { Authorization: 'Basic dXNlcjpwdw==' } } },
      },
      'call failed',
    );
    expect(lines[0]).toMatchObject({
      msg: 'call failed',
      req: { method: 'POST', headers: { authorization: REDACTED, 'x-api-key': REDACTED, accept: '*/*' } },
      token: REDACTED,
      config: { password: REDACTED, user: 'hub', client: { apiKey: REDACTED } },
      err: { config: { headers: { Authorization: REDACTED } } },
    });
    expect(JSON.stringify(lines)).not.toMatch(/s3cret|xoxb-123|hunter2|dXNlcjpwdw/);
  });

  it('redacts inside errors, arrays, frozen objects and child bindings, leaves the logged objects as they were', () => {
    const { lines, stream } = capture();
    const logger = createLogger('test', 'info', stream);
    const error = Object.assign(new Error('request failed'), { config: { headers: { Authorization: 'Bearer e1' } } });
    const logged = Object.freeze({ calls: [{ token: 't-1', ok: true }], deep: { a: { b: { c: { token: 'kept' } } } } });
    logger.child({ credentials: 'c-1', component: 'client' }).error({ err: error, logged }, 'boom');
    expect(lines[0]).toMatchObject({
      credentials: REDACTED,
      component: 'client',
      err: { message: 'request failed', type: 'Error', config: { headers: { Authorization: REDACTED } } },
      logged: { calls: [{ token: REDACTED, ok: true }], deep: { a: { b: { c: { token: 'kept' } } } } },
    });
    expect(String((lines[0]!.err as { stack: string }).stack)).toContain('request failed');
    expect(JSON.stringify(lines)).not.toMatch(/e1|t-1|c-1/);
    expect(error.config.headers.Authorization).toBe('Bearer e1');
    expect(logged.calls[0]!.token).toBe('t-1');
  });

  it('redacts what Nest-style callers log through PinoNestLogger too', () => {
    const { lines, stream } = capture();
    new PinoNestLogger(createLogger('test', 'info', stream)).warn({ msg: 'retry', secret: 'abc', attempt: 2 });
    expect(lines[0]).toMatchObject({ msg: 'retry', secret: REDACTED, attempt: 2 });
  });
});
