import { existsSync } from 'node:fs';
import { z } from 'zod';
import { type Env } from '@hub/config';
import { celProblem } from './webhook-mapping.js';

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

/** A secret is never in the file: the document names the environment variable holding it (comma-separated for rotation). */
const secretEnv = z.string().regex(ENV_NAME, { error: 'must be an environment variable name (A-Z, 0-9, _)' });

const regex = text('a regular expression').refine(
  (value) => {
    try {
      new RegExp(value);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'is not a valid regular expression' },
);

const mappingSchema = z.strictObject({
  type: z.string().optional(),
  subject: z.string().optional(),
  incidentKey: z.string().optional(),
  id: z.string().optional(),
  data: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
});

const hmacSchema = z.strictObject({
  /** The header carrying the signature (`X-Signature`, `Stripe-Signature`, `X-Slack-Signature`). */
  header: text('a header name'),
  algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
  encoding: z.enum(['hex', 'base64']).default('hex'),
  /** Text before the signature in the header (`sha256=`, `v0=`). */
  prefix: z.string().default(''),
  /** The header is a list of `key=value` pairs (Stripe: `t=…,v1=…`): the signature is the value of this key. */
  key: z.string().optional(),
  secretEnv,
  /** What is signed; `{body}` is the raw body, `{timestamp}` the timestamp. Default `{body}`, or `{timestamp}.{body}` with a timestamp. */
  signedPayload: z.string().optional(),
  timestamp: z
    .strictObject({
      /** The header with the Unix time in seconds (Slack: `X-Slack-Request-Timestamp`); may be the signature header with `key` (Stripe: `t`). */
      header: text('a header name'),
      key: z.string().optional(),
      toleranceSeconds: z.number().int().positive().default(300),
    })
    .optional(),
});

const customSchema = z.strictObject({
  auth: z
    .strictObject({ hmac: hmacSchema.optional(), bearer: z.strictObject({ tokenEnv: secretEnv }).optional() })
    .refine((auth) => (auth.hmac === undefined) !== (auth.bearer === undefined), {
      error: 'set exactly one of hmac, bearer',
    }),
});

const jwtSchema = z.strictObject({
  jwksUrl: z.url({ error: 'must be a URL' }),
  issuers: z.array(text('an issuer')).min(1),
  audience: text('an audience'),
});

const snsSchema = z.strictObject({
  /** Topics whose notifications are taken: anyone can make AWS sign a message for their own topic. */
  topicArns: z
    .array(
      z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, { error: 'must be an SNS topic ARN' }),
    )
    .min(1),
  /** Hosts `SigningCertURL` and `SubscribeURL` may point at. */
  certHost: regex.default('^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$'),
  /** Extra CA certificates (PEM file) to trust when fetching them; for private endpoints and tests. */
  caFile: z.string().optional(),
  toleranceSeconds: z.number().int().positive().default(3600),
  /** Confirm a SubscriptionConfirmation by fetching its SubscribeURL. */
  autoConfirm: z.boolean().default(true),
});

const eventGridSchema = z
  .strictObject({
    /** A shared secret the subscription sends as a query parameter of the endpoint URL or a delivery header. */
    secret: z
      .strictObject({ query: z.string().optional(), header: z.string().optional(), secretEnv })
      .refine((s) => (s.query === undefined) !== (s.header === undefined), {
        error: 'set exactly one of query, header',
      })
      .optional(),
    /** Microsoft Entra: the bearer token Event Grid sends, checked against the tenant's keys. */
    bearer: jwtSchema.optional(),
  })
  .refine((s) => s.secret !== undefined || s.bearer !== undefined, { error: 'set secret or bearer (or both)' });

const pubSubSchema = z.strictObject({
  audience: text('the audience configured on the push subscription'),
  /** The push subscription's service account: the token's `email` claim. */
  serviceAccount: z.email({ error: 'must be a service account e-mail' }),
  jwksUrl: z.url({ error: 'must be a URL' }).default('https://www.googleapis.com/oauth2/v3/certs'),
  issuers: z.array(text('an issuer')).min(1).default(['https://accounts.google.com', 'accounts.google.com']),
});

const common = {
  name: z.string().regex(NAME, { error: 'must be a lower-case DNS label (a-z, 0-9, -)' }),
  description: z.string().optional(),
  event: mappingSchema.optional(),
};

const documentSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...common, kind: z.literal('custom'), custom: customSchema }),
    z.strictObject({ ...common, kind: z.literal('sns'), sns: snsSchema }),
    z.strictObject({ ...common, kind: z.literal('eventgrid'), eventgrid: eventGridSchema }),
    z.strictObject({ ...common, kind: z.literal('pubsub'), pubsub: pubSubSchema }),
  ],
  { error: 'kind must be custom, sns, eventgrid or pubsub' },
);

export type WebhookDocument = z.output<typeof documentSchema>;
export type WebhookKind = WebhookDocument['kind'];

/**
 * One document of `config/webhooks/*.yaml`, checked against `env` too: every CEL expression of
 * `event` compiles, and every `secretEnv` / `tokenEnv` names a variable that is set — each problem
 * at its path, so the loader reports it with file and line.
 */
export function webhookDocumentSchema(env: Env) {
  return documentSchema.superRefine((doc, ctx) => {
    for (const [field, value] of Object.entries(doc.event ?? {})) {
      const expressions =
        typeof value === 'string' ? [[[], value] as const] : Object.entries(value).map(([k, v]) => [[k], v] as const);
      for (const [at, expr] of expressions) {
        const problem = celProblem(expr);
        if (problem) ctx.addIssue({ code: 'custom', path: ['event', field, ...at], message: `CEL: ${problem}` });
      }
    }
    if (doc.kind === 'sns' && doc.sns.caFile !== undefined && !existsSync(doc.sns.caFile)) {
      ctx.addIssue({ code: 'custom', path: ['sns', 'caFile'], message: `${doc.sns.caFile} does not exist` });
    }
    for (const path of secretPaths(doc)) {
      const name = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc) as string;
      if (!env[name]?.trim())
        ctx.addIssue({ code: 'custom', path, message: `environment variable ${name} is not set` });
    }
  });
}

function secretPaths(doc: WebhookDocument): string[][] {
  switch (doc.kind) {
    case 'custom':
      return doc.custom.auth.hmac
        ? [['custom', 'auth', 'hmac', 'secretEnv']]
        : [['custom', 'auth', 'bearer', 'tokenEnv']];
    case 'eventgrid':
      return doc.eventgrid.secret ? [['eventgrid', 'secret', 'secretEnv']] : [];
    case 'sns':
    case 'pubsub':
      return [];
  }
}
