import { get } from 'node:https';

/** A failed {@link httpsGet}: `status` is set when the server answered (not 200), absent for network/TLS/timeout failures. */
export class HttpsGetError extends Error {
  override readonly name = 'HttpsGetError';

  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Limits of a fetch a push source makes to finish verifying (a certificate, a subscription confirmation). */
export interface HttpsGetOptions {
  /** Extra CA certificates (PEM) to trust besides the system's. */
  readonly ca?: string;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

/**
 * GETs an `https:` URL and resolves with the body as text when the answer is 200; rejects on any
 * other status, a body above `maxBytes`, a timeout or a TLS error. No redirects are followed (the
 * host was checked before the call, a redirect could leave it).
 */
export function httpsGet(url: URL, { ca, timeoutMs = 5_000, maxBytes = 64 * 1024 }: HttpsGetOptions = {}) {
  return new Promise<string>((resolve, reject) => {
    if (url.protocol !== 'https:') return reject(new HttpsGetError(`${url.origin} is not https`, 0));
    const request = get(url, { ...(ca ? { ca } : {}), timeout: timeoutMs }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(
          new HttpsGetError(
            `GET ${url.origin}${url.pathname} answered ${response.statusCode ?? 0}`,
            response.statusCode ?? 0,
          ),
        );
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          request.destroy(new HttpsGetError(`GET ${url.origin}${url.pathname}: more than ${maxBytes} bytes`, 200));
        } else {
          chunks.push(chunk);
        }
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new HttpsGetError(`GET ${url.origin}${url.pathname} timed out`)));
    request.on('error', (error) => reject(error instanceof HttpsGetError ? error : new HttpsGetError(error.message)));
  });
}
