import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { FakeHttpServer } from './fake-http.server.js';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/**
 * An OIDC token issuer on loopback (Google for Pub/Sub push, Microsoft Entra for Event Grid): an RSA
 * key pair, its public key as a JWKS at `/jwks`, and RS256 tokens signed with it. `stranger()` signs
 * with a key the JWKS does not hold (a forged token).
 */
export class OidcFake {
  readonly server = new FakeHttpServer();
  private keys: { kid: string; key: SigningKey }[] = [];
  private strangerKey?: SigningKey;

  static async start(): Promise<OidcFake> {
    const fake = new OidcFake();
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    fake.keys = [{ kid, key: privateKey }];
    fake.strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    fake.server.route('GET', /^\/jwks$/, () => ({ status: 200, body: { keys: [jwk] } }));
    await fake.server.start();
    return fake;
  }

  get jwksUrl(): string {
    return `${this.server.url}/jwks`;
  }

  /** A token with `claims`, for `audience`, from `issuer`, valid for `expiresIn` seconds (negative: expired). */
  token(
    claims: JWTPayload,
    {
      audience,
      issuer,
      expiresIn = 3600,
      stranger = false,
    }: { audience: string; issuer: string; expiresIn?: number; stranger?: boolean },
  ): Promise<string> {
    const [signing] = this.keys;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: signing!.kid, typ: 'JWT' })
      .setAudience(audience)
      .setIssuer(issuer)
      .setIssuedAt(now - 10)
      .setExpirationTime(now + expiresIn)
      .sign(stranger ? this.strangerKey! : signing!.key);
  }

  jwksFetches(): number {
    return this.server.find('GET', /^\/jwks$/).length;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
