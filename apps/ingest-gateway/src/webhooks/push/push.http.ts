import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type PushReply, type PushRequest } from './push-source.js';

/** The push source's view of a Fastify request (`rawBody` is kept by Nest's `rawBody: true`). */
export function pushRequestOf(request: FastifyRequest): PushRequest {
  const raw = (request as FastifyRequest & { rawBody?: Buffer }).rawBody;
  return {
    method: request.method,
    rawBody: raw ?? Buffer.alloc(0),
    body: request.body,
    headers: request.headers,
    query: (request.query ?? {}) as Record<string, string | undefined>,
  };
}

/** Sends a push source's answer (status, headers, JSON body). */
export async function sendPushReply(reply: FastifyReply, answer: PushReply): Promise<void> {
  void reply.status(answer.status);
  if (answer.headers) void reply.headers(answer.headers);
  await reply.send(answer.body ?? '');
}
