import http from 'node:http';
import https from 'node:https';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { type KubernetesObject, toKubernetesError } from '../externalsecret-refresh/kubernetes.client.js';
import { APPLY_PATCH } from './kubernetes-apply.plan.js';

/**
 * Server-side apply as a raw `PATCH` with `application/apply-patch+yaml` (the manifest as JSON,
 * which is YAML). Not client-node's KubernetesObjectApi: it serialises through its model types and
 * drops fields they spell differently (LimitRange `default`) or do not know (custom resources'
 * fields). The connection (server, CA, token, client certificate) is the kubeconfig's, through
 * `applyToHTTPSOptions`; failures leave as the executor's typed `Kubernetes*Error`s.
 */
export class KubernetesApplyClient {
  readonly server: string;

  constructor(
    private readonly config: KubeConfig,
    private readonly requestTimeoutMs: number,
  ) {
    this.server = config.getCurrentCluster()?.server ?? '';
  }

  /** Applies `manifest` at `path` (`?query`); answers the object as the server has it (or would). */
  async apply(path: string, query: string, manifest: object, signal: AbortSignal): Promise<KubernetesObject> {
    const url = new URL(`${this.server.replace(/\/$/, '')}${path}?${query}`);
    const options: https.RequestOptions = {
      method: 'PATCH',
      headers: { 'content-type': APPLY_PATCH, accept: 'application/json' },
    };
    await this.config.applyToHTTPSOptions(options);
    const ref = refOf(path);
    const body = JSON.stringify(manifest);
    try {
      const answer = await send(
        url,
        options,
        body,
        AbortSignal.any([signal, AbortSignal.timeout(this.requestTimeoutMs)]),
      );
      if (answer.status >= 200 && answer.status < 300) return JSON.parse(answer.body) as KubernetesObject;
      throw new ApiException(answer.status, `HTTP ${answer.status}`, answer.body, answer.headers);
    } catch (error) {
      throw toKubernetesError(error, ref);
    }
  }
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

function send(url: URL, options: https.RequestOptions, body: string, signal: AbortSignal): Promise<Answer> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { ...options, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: Object.fromEntries(
            Object.entries(response.headers).map(([name, value]) => [
              name,
              Array.isArray(value) ? value.join(', ') : (value ?? ''),
            ]),
          ),
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The object of an API path, for error context. */
function refOf(path: string) {
  const parts = path.split('/').filter(Boolean);
  const grouped = parts[0] === 'apis';
  const [group, version] = grouped ? [parts[1] ?? '', parts[2] ?? ''] : ['', parts[1] ?? ''];
  const rest = parts.slice(grouped ? 3 : 2);
  const namespace = rest[0] === 'namespaces' && rest.length > 2 ? (rest[1] ?? '') : '';
  const tail = namespace ? rest.slice(2) : rest;
  return { group, version, plural: tail[0] ?? '', namespace, name: tail[1] ?? '' };
}
