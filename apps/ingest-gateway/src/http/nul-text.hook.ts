import { type FastifyInstance } from 'fastify';
import { UnstorableTextError } from '../errors/gateway.errors.js';

/**
 * Refuses (400) a request whose path parameters, query or JSON body hold a NUL character
 * (`%00`, `\u0000`): PostgreSQL's text and JSONB cannot store it, so a lookup with one failed as
 * if the database were down (503), and an event with one would be accepted and then fail in every
 * consumer that records it. Runs after parsing and before any handler.
 */
export function registerNulTextGuard(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const where = nulIn('path', request.params) ?? nulIn('query', request.query) ?? nulIn('body', request.body);
    if (!where) return done();
    done(
      new UnstorableTextError(`The request's ${where} contains a NUL character (\\u0000), which the hub cannot store`, {
        where,
      }),
    );
  });
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
