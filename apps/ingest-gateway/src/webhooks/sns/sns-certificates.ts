import { X509Certificate } from 'node:crypto';
import { HttpsGetError, httpsGet } from '../push/https-get.js';
import { SignatureRejectedError, VendorUnavailableError } from '../push/push.errors.js';

const MAX_CACHED = 64;

/**
 * SNS signing certificates by `SigningCertURL`, fetched only from a host that matches the allowed
 * pattern (default `sns.<region>.amazonaws.com`), over https, and cached (a failed fetch is not, so
 * it is tried again). A URL off that pattern is refused without any request: the gateway never
 * fetches what a stranger points it at.
 */
export class SnsCertificates {
  private readonly cache = new Map<string, Promise<X509Certificate>>();

  constructor(
    private readonly allowedHost: RegExp,
    private readonly ca?: string,
  ) {}

  /** Throws a 401 unless `value` is an https URL on an allowed host. */
  allowedUrl(value: string | undefined, what: string): URL {
    let url: URL;
    try {
      url = new URL(value ?? '');
    } catch {
      throw new SignatureRejectedError(`${what} is not a URL`);
    }
    if (url.protocol !== 'https:' || !this.allowedHost.test(url.hostname)) {
      throw new SignatureRejectedError(`${what} is not on an allowed SNS host (${this.allowedHost.source})`);
    }
    return url;
  }

  async certificate(signingCertUrl: string): Promise<X509Certificate> {
    const url = this.allowedUrl(signingCertUrl, 'SigningCertURL');
    if (!url.pathname.endsWith('.pem')) throw new SignatureRejectedError('SigningCertURL is not a .pem certificate');
    const key = url.href;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = httpsGet(url, { ca: this.ca }).then((pem) => new X509Certificate(pem));
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
    }
    try {
      return await entry;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // AWS answered but has no such certificate (or it does not parse): a forged URL. No answer at all: retry later.
      if (error instanceof HttpsGetError && error.status === undefined) {
        throw new VendorUnavailableError(`The SNS signing certificate cannot be fetched now: ${message}`);
      }
      throw new SignatureRejectedError(`The SNS signing certificate could not be fetched or read: ${message}`);
    }
  }
}
