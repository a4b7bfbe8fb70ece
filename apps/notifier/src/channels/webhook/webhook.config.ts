import { z } from 'zod';
import { positiveIntVar } from '@hub/config';

/** Comma-separated http(s) URLs; every one must parse. */
const urlListVar = z.string().transform((value, ctx) => {
  const urls = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  for (const url of urls)
    if (!isHttpUrl(url)) ctx.addIssue({ code: 'custom', message: `${url} is not an http(s) URL` });
  return urls;
});

/** The outbound webhook's variables (`WEBHOOK_URLS`; without any URL, payloads go to the outbox). */
export const webhookEnv = {
  /** Where every notification is POSTed (comma-separated); a team's `webhook.urlEnv` adds its own. */
  WEBHOOK_URLS: urlListVar.default([]),
  /** The HMAC-SHA256 key of `X-Hub-Signature-256` (required with any webhook URL; 16 characters at least). */
  WEBHOOK_SECRET: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  /** Per webhook HTTP request. */
  WEBHOOK_TIMEOUT_MS: positiveIntVar.default(10_000),
};

export function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
