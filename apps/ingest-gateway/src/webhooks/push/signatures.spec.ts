import { createHmac } from 'node:crypto';
import { verifyHmac } from '../custom/custom.source.js';
import { SignatureRejectedError } from './push.errors.js';
import { type PushRequest } from './push-source.js';
import { checkTimestamp, equalsAny, secretList } from './signatures.js';

const requestOf = (body: string, headers: Record<string, string>): PushRequest => ({
  method: 'POST',
  rawBody: Buffer.from(body),
  body: JSON.parse(body) as unknown,
  headers,
  query: {},
});

describe(equalsAny.name, () => {
  it('finds the value among several, whatever their lengths, and nothing else', () => {
    expect(equalsAny('new-secret', ['old-secret-that-is-longer', 'new-secret'])).toBe(true);
    expect(equalsAny('new-secre', ['new-secret'])).toBe(false);
    expect(equalsAny('', ['new-secret'])).toBe(false);
    expect(equalsAny('x', [])).toBe(false);
  });
});

describe(secretList.name, () => {
  it('splits rotation lists and drops blanks', () => {
    expect(secretList(' a , b,,c ')).toEqual(['a', 'b', 'c']);
    expect(secretList(undefined)).toEqual([]);
  });
});

describe(checkTimestamp.name, () => {
  const now = 1_800_000_000_000;
  it('takes a timestamp within the tolerance either way, refuses stale, future and malformed ones', () => {
    expect(checkTimestamp('1800000000', 300, now)).toBe(1_800_000_000);
    expect(checkTimestamp('1799999750', 300, now)).toBe(1_799_999_750);
    expect(() => checkTimestamp('1799999000', 300, now)).toThrow(SignatureRejectedError);
    expect(() => checkTimestamp('1800000400', 300, now)).toThrow(/away from now/);
    for (const bad of [undefined, '', 'abc', '1.5', '-1', '1e9']) {
      expect(() => checkTimestamp(bad, 300, now)).toThrow(SignatureRejectedError);
    }
  });
});

describe(verifyHmac.name, () => {
  const body = '{"event":"x"}';
  const base = { header: 'X-Sig', prefix: '', secretEnv: 'S' } as const;

  it('checks base64 SHA-512 and SHA-1 signatures with a prefix', () => {
    const sig512 = createHmac('sha512', 'k1').update(body).digest('base64');
    expect(() =>
      verifyHmac({ ...base, algorithm: 'sha512', encoding: 'base64' }, ['k1'], requestOf(body, { 'x-sig': sig512 })),
    ).not.toThrow();
    const sig1 = createHmac('sha1', 'k1').update(body).digest('hex');
    const sha1 = { ...base, algorithm: 'sha1', encoding: 'hex', prefix: 'sha1=' } as const;
    expect(() => verifyHmac(sha1, ['k0', 'k1'], requestOf(body, { 'x-sig': `sha1=${sig1}` }))).not.toThrow();
    expect(() => verifyHmac(sha1, ['k0'], requestOf(body, { 'x-sig': `sha1=${sig1}` }))).toThrow(
      SignatureRejectedError,
    );
    expect(() => verifyHmac(sha1, ['k1'], requestOf(body, { 'x-sig': sig1 }))).toThrow(/missing or malformed/);
  });

  it('signs the timestamp with the body as the template says, and refuses a timestamp swapped after signing', () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const spec = {
      ...base,
      algorithm: 'sha256',
      encoding: 'hex',
      prefix: 'v0=',
      signedPayload: 'v0:{timestamp}:{body}',
      timestamp: { header: 'X-Ts', toleranceSeconds: 300 },
    } as const;
    const sig = createHmac('sha256', 'k').update(`v0:${ts}:${body}`).digest('hex');
    expect(() => verifyHmac(spec, ['k'], requestOf(body, { 'x-sig': `v0=${sig}`, 'x-ts': ts }))).not.toThrow();
    const other = String(Number(ts) - 10);
    expect(() => verifyHmac(spec, ['k'], requestOf(body, { 'x-sig': `v0=${sig}`, 'x-ts': other }))).toThrow(
      /does not match/,
    );
  });
});
