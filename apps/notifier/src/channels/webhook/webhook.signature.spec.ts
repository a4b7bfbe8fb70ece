import { signPayload, verifySignature } from './webhook.signature.js';

describe('webhook signature', () => {
  const secret = 'a-shared-secret-of-16+';
  const body = JSON.stringify({ id: 'evt-1', title: 'x' });
  const at = Date.parse('2026-12-04T18:00:00Z');

  it('signs t.<body> with HMAC-SHA256 in the documented header shape', () => {
    // openssl: printf '%s' "1796407200.$body" | openssl dgst -sha256 -hmac "$secret"
    expect(signPayload(secret, body, at)).toMatch(/^t=1796407200,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, signPayload(secret, body, at), body, { nowMs: at + 60_000 })).toBe(true);
  });

  it('refuses another body, another secret, a stale timestamp and a missing header', () => {
    const header = signPayload(secret, body, at);
    expect(verifySignature(secret, header, `${body} `, { nowMs: at })).toBe(false);
    expect(verifySignature('another-secret-of-16+', header, body, { nowMs: at })).toBe(false);
    expect(verifySignature(secret, header, body, { nowMs: at + 301_000 })).toBe(false);
    expect(verifySignature(secret, undefined, body, { nowMs: at })).toBe(false);
  });
});
