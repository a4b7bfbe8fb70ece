import { createHash } from 'node:crypto';

/**
 * A name-based UUID (RFC 4122 version 5) of `name` in `namespace` (16 bytes as 32 hex digits):
 * the same every time. Events that must keep their id when published again — an action's result,
 * a schedule's slot — take theirs from it, so consumers that are idempotent on the id take them once.
 */
export function nameBasedUuid(namespaceHex: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespaceHex, 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
