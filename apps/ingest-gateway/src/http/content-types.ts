import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type RawServerDefault } from 'fastify';
import { CLOUDEVENTS_BATCH_JSON, CLOUDEVENTS_JSON } from '@hub/contracts';

export const JSON_TYPE = 'application/json';
export const TEXT_TYPE = 'text/plain';
/** Slack's interactivity requests: `payload=<JSON>` (webhooks/slack/). */
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Every content type the gateway parses; anything else is answered 415 by Fastify. */
export const SUPPORTED_CONTENT_TYPES: readonly string[] = [
  JSON_TYPE,
  CLOUDEVENTS_JSON,
  CLOUDEVENTS_BATCH_JSON,
  TEXT_TYPE,
  FORM_TYPE,
];

/**
 * Registers the body parsers that Nest does not: the two CloudEvents JSON types (parsed with
 * Fastify's own safe JSON parser, so bad JSON fails as it does for `application/json`) and
 * `text/plain` (binary-mode CloudEvents with text data) and forms (Slack's interactivity payloads). Each keeps `rawBody` (Nest's option) for
 * signature checks, and honours the body limit. Call before `init()`.
 */
export function registerContentTypeParsers(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>(
    [CLOUDEVENTS_JSON, CLOUDEVENTS_BATCH_JSON],
    { bodyLimit },
    (request, body, done) => jsonParser(request, body as unknown as string, done),
  );
  app.useBodyParser(TEXT_TYPE, { bodyLimit }, (_request, body, done) => done(null, body.toString('utf8')));
  app.useBodyParser(FORM_TYPE, { bodyLimit }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8')))),
  );
}

/** The media type of a `Content-Type` header, lower case, without parameters (`application/json`). */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  return essence ? essence : undefined;
}

/** `application/json` and any `+json` suffix type. */
export function isJsonMediaType(mediaType: string | undefined): boolean {
  return mediaType === JSON_TYPE || (mediaType?.endsWith('+json') ?? false);
}
