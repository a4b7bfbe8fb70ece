import { type CommandIo } from './command.js';

/**
 * Calls a gateway route with the ingest token (`HUB_GATEWAY_URL`, `HUB_TOKEN` or the first token of
 * `HUB_INGEST_TOKENS`, as `npm run send`): a GET, or a POST / DELETE with a JSON body. An answer
 * that is not 2xx throws with the gateway's own message (and the fields a 422 names).
 */
export async function gateway<T>(
  io: CommandIo,
  path: string,
  request: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown } = {},
): Promise<T> {
  const base = io.env.HUB_GATEWAY_URL ?? `http://127.0.0.1:${io.env.GATEWAY_PORT || '8080'}`;
  const token = io.env.HUB_TOKEN ?? io.env.HUB_INGEST_TOKENS?.split(',')[0]?.split(':').slice(1).join(':');
  const method = request.method ?? 'GET';
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch (error) {
    const code = ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).message;
    throw new Error(`cannot reach the gateway at ${base} (${code}); is npm start running? (HUB_GATEWAY_URL)`);
  }
  const body = (await response.json().catch(() => ({}))) as T & {
    error?: { message?: string; details?: { path: string; problem: string }[] };
  };
  if (!response.ok) {
    const fields = (body.error?.details ?? []).map((d) => `\n  ${d.path}: ${d.problem}`).join('');
    throw new Error(`${method} ${path}: ${response.status} ${body.error?.message ?? ''}`.trim() + fields);
  }
  return body;
}
