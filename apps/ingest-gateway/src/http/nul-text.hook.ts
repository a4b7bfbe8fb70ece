import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { UnstorableTextError } from '../errors/gateway.errors.js';
import { isJsonMediaType, mediaTypeOf } from './content-types.js';

/** How a NUL reaches a parsed JSON string: the escape (JSON has no other; a raw NUL byte is invalid JSON). */
const JSON_NUL_ESCAPE = '\\u0000';

/**
 * Refuses (400) a request whose path parameters, query or JSON body hold a NUL character
 * (`%00`, `\u0000`): PostgreSQL's text and JSONB cannot store it, so a lookup with one failed as
 * if the database were down (503), and an event with one would be accepted and then fail in every
 * consumer that records it. Runs after parsing and before any handler.
 */
export function registerNulTextGuard(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const where =
      nulIn('path', request.params) ??
      nulIn('query', request.query) ??
      (jsonTextWithoutNul(request) ? undefined : nulIn('body', request.body));
    if (!where) return done();
    done(
      new UnstorableTextError(`The request's ${where} contains a NUL character (\\u0000), which the hub cannot store`, {
        where,
      }),
    );
  });
}

/**
 * True when the body was parsed from JSON text that holds neither `\\u0000` nor a NUL byte, so
 * no string or key of it can hold a NUL: one native scan of the raw bytes instead of a walk
 * over the parsed body (which also built a path string per node). Forms and text are walked.
 */
function jsonTextWithoutNul(request: FastifyRequest): boolean {
  const raw = (request as { rawBody?: unknown }).rawBody;
  if (!Buffer.isBuffer(raw) || !isJsonMediaType(mediaTypeOf(request.headers['content-type']))) return false;
  return !raw.includes(JSON_NUL_ESCAPE) && !raw.includes(0);
}

/** Where in `value` (strings, and keys and strings of objects and arrays) a NUL character is; iterative. */
export function nulIn(name: string, value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, name]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [node, path] = entry;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return path;
    } else if (node !== null && typeof node === 'object' && !Buffer.isBuffer(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (key.includes('\u0000')) return path;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}
