import { createHash, timingSafeEqual } from 'node:crypto';

/** The source recorded on events when the gateway runs open (`HUB_INGEST_TOKENS` unset). */
export const ANONYMOUS_SOURCE = 'anonymous';

/** Injection token of the {@link TokenVerifier} of `HUB_READ_TOKENS` (the read API). */
export const ReadTokenVerifier = Symbol('ReadTokenVerifier');

interface KnownToken {
  readonly digest: Buffer;
  readonly source: string;
}

/**
 * Checks bearer tokens against `HUB_INGEST_TOKENS` in constant time: it compares SHA-256 digests
 * (equal lengths, so `timingSafeEqual` applies) and always looks at every configured token, so the
 * answer time says nothing about how much of a token was right or which one matched.
 */
export class TokenVerifier {
  /** True when no tokens are configured: every request is accepted as {@link ANONYMOUS_SOURCE}. */
  readonly open: boolean;
  private readonly tokens: readonly KnownToken[];

  /** @param tokens token → source name, or undefined for open mode (no authentication). */
  constructor(tokens: ReadonlyMap<string, string> | undefined) {
    this.open = tokens === undefined;
    this.tokens = [...(tokens ?? [])].map(([token, source]) => ({ digest: digest(token), source }));
  }

  /** The source name of `token`, or undefined when no configured token equals it. */
  sourceOf(token: string): string | undefined {
    const presented = digest(token);
    let match: string | undefined;
    for (const known of this.tokens) {
      if (timingSafeEqual(presented, known.digest) && match === undefined) match = known.source;
    }
    return match;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
