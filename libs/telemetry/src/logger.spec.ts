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

  it('redacts what Nest-style callers log through PinoNestLogger too', () => {
    const { lines, stream } = capture();
    new PinoNestLogger(createLogger('test', 'info', stream)).warn({ msg: 'retry', secret: 'abc', attempt: 2 });
    expect(lines[0]).toMatchObject({ msg: 'retry', secret: REDACTED, attempt: 2 });
  });
});
