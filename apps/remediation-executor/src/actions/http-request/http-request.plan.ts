import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { InvalidActionParamsError } from '../action.errors.js';
import { type PlannedCall } from '../action.js';
import { parseParams } from '../params.js';

/** The action kind (routing key `action.requested.http.request`). */
export const HTTP_REQUEST_KIND = 'http.request';

const SECRET_NAME = /^[A-Z][A-Z0-9_]*$/;

/** A header's value: literal text, or a secret by name (env `HUB_SECRET_<NAME>`) with an optional prefix. */
const headerValue = z.union([
  z.string(),
  z.strictObject({
    secret: z.string().regex(SECRET_NAME, { error: 'must be a secret name like PAGERDUTY_TOKEN' }),
    prefix: z.string().default(''),
  }),
]);

/**
 * Params of `http.request`: any HTTP call a sensor can describe without TypeScript. The URL's host
 * must be one of `HUB_HTTP_ALLOWED_HOSTS`; secrets are named, never written in a sensor; `body` is
 * JSON sent as given, where a string that is exactly `{{ target }}` or `{{ actionId }}` (or holds
 * them) gets the request's value as text — values are data, nothing is evaluated.
 */
const paramsSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'must be a header name' }), headerValue).default({}),
  body: z.unknown().optional(),
  /** The statuses that mean success; default any 2xx. */
  expectStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
});

export type HttpRequestParams = z.output<typeof paramsSchema>;

/** The call a request asks for, its URL checked against the allowlist. */
export function httpRequestOf(request: ActionRequested, allowedHosts: ReadonlySet<string>): HttpRequestParams {
  const params = parseParams(request, paramsSchema);
  const host = new URL(params.url).host;
  if (!allowedHosts.has(host)) {
    throw new InvalidActionParamsError(
      `http.request to ${host} refused: not in HUB_HTTP_ALLOWED_HOSTS (${[...allowedHosts].join(', ') || 'none'})`,
      { host },
    );
  }
  return { ...params, body: params.body === undefined ? undefined : fill(params.body, request) };
}

/** What it sends, secrets shown by name only: dry runs and the outbox. */
export function planHttpRequest(request: ActionRequested, allowedHosts: ReadonlySet<string>): PlannedCall {
  const params = httpRequestOf(request, allowedHosts);
  const headers = Object.fromEntries(
    Object.entries(params.headers).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `${value.prefix}<secret ${value.secret}>`,
    ]),
  );
  return {
    integration: 'http',
    operation: `${params.method} ${params.url}`,
    request: { method: params.method, url: params.url, headers, body: params.body ?? null },
  };
}

function fill(value: unknown, request: ActionRequested): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{\s*(target|actionId)\s*\}\}/g, (_all, name: string) =>
      name === 'target' ? request.target : request.actionId,
    );
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, request));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, request)]));
  }
  return value;
}
