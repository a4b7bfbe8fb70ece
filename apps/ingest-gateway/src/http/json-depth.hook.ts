import { type FastifyInstance } from 'fastify';
import { JsonTooDeepError } from '../errors/gateway.errors.js';
import { isJsonMediaType, mediaTypeOf } from './content-types.js';

/**
 * Refuses a JSON body nested deeper than `maxDepth` objects and arrays (400), after parsing and
 * before any handler: schemas, mappers and `JSON.stringify` recurse over event data, and a body of
 * a million `[` would exhaust the stack there instead of being answered as bad input.
 */
export function registerJsonDepthLimit(fastify: FastifyInstance, maxDepth: number): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (!isJsonMediaType(mediaTypeOf(request.headers['content-type'])) || !exceedsDepth(request.body, maxDepth)) {
      return done();
    }
    done(
      new JsonTooDeepError(
        `The JSON body nests objects and arrays deeper than ${maxDepth} levels (GATEWAY_MAX_JSON_DEPTH)`,
        {
          maxDepth,
        },
      ),
    );
  });
}

/** True when `value` has more than `maxDepth` levels of objects and arrays (`{}` is one). Iterative. */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [node, depth] = entry;
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
