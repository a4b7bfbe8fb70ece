import { TokenVerifier } from './token-verifier.js';

describe(TokenVerifier.name, () => {
  const sut = new TokenVerifier(
    new Map([
      ['am-s3cret-token', 'alertmanager'],
      ['bs-t0ken-secret', 'backstage'],
    ]),
  );

  it('names the source of a known token', () => {
    expect(sut.open).toBe(false);
    expect(sut.sourceOf('am-s3cret-token')).toBe('alertmanager');
    expect(sut.sourceOf('bs-t0ken-secret')).toBe('backstage');
  });

  it('knows no prefix, extension or case variant of a token', () => {
    for (const token of ['am-s3cret', 'am-s3cret-token ', 'AM-S3CRET-TOKEN', '', 'alertmanager']) {
      expect(sut.sourceOf(token)).toBeUndefined();
    }
  });

  it('is open without tokens', () => {
    expect(new TokenVerifier(undefined).open).toBe(true);
  });
});
