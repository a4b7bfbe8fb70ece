import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { SignatureRejectedError, VendorUnavailableError } from './push.errors.js';
import { headerOf } from './signatures.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** Who may sign the bearer tokens of a push source (Google for Pub/Sub, Microsoft Entra for Event Grid). */
export interface JwtTrust {
  readonly jwksUrl: string;
  readonly issuers: readonly string[];
  readonly audience: string;
}

/**
 * Verifies the `Authorization: Bearer` JWT of a push (OIDC) with `jose`: signature against the
 * issuer's JWKS (fetched and cached by jose, refetched on an unknown key id), issuer, audience,
 * expiry (60 s clock tolerance). A bad token is a {@link SignatureRejectedError} (401); keys that
 * cannot be fetched a {@link VendorUnavailableError} (503, the vendor retries).
 */
export class JwtVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly trust: JwtTrust) {
    this.keys = createRemoteJWKSet(new URL(trust.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
  }

  async verify(headers: Readonly<Record<string, string | string[] | undefined>>): Promise<JWTPayload> {
    const token = BEARER.exec(headerOf(headers, 'authorization') ?? '')?.[1];
    if (!token) throw new SignatureRejectedError('An "Authorization: Bearer <OIDC token>" header is required');
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: [...this.trust.issuers],
        audience: this.trust.audience,
        clockTolerance: 60,
      });
      return payload;
    } catch (error) {
      // The issuer's keys could not be fetched (down, timing out): not the sender's fault, and it retries on 503.
      if (error instanceof errors.JWKSTimeout || (error instanceof TypeError && error.message.includes('fetch'))) {
        throw new VendorUnavailableError(`The token issuer's keys (${this.trust.jwksUrl}) cannot be fetched now`);
      }
      const reason = error instanceof errors.JOSEError ? `${error.code}: ${error.message}` : 'the token cannot be read';
      throw new SignatureRejectedError(`The bearer token is not valid (${reason})`);
    }
  }
}
