import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { type KubeConfig } from '@kubernetes/client-node';
import { type WatchQuery } from './watch.stream.js';
import { type WatchedObject } from './watched-object.js';

/** A LIST answer: the objects and the resourceVersion to watch from. */
export interface ObjectList {
  items: WatchedObject[];
  resourceVersion: string;
}

/**
 * LISTs a collection with the kube config's credentials (token, client certificate, CA), paging
 * with `limit`/`continue`. The start of an informer's list-then-watch: what exists now, and the
 * resourceVersion from which the watch misses nothing.
 */
export async function listObjects(kc: KubeConfig, query: WatchQuery, pageSize = 500): Promise<ObjectList> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('no current cluster in the kube config');
  const items: WatchedObject[] = [];
  let resourceVersion = '';
  let token: string | undefined;
  do {
    const url = new URL(server + query.path);
    url.searchParams.set('limit', String(pageSize));
    if (query.labelSelector) url.searchParams.set('labelSelector', query.labelSelector);
    if (query.fieldSelector) url.searchParams.set('fieldSelector', query.fieldSelector);
    if (token) url.searchParams.set('continue', token);
    const page = await getJson(kc, url);
    items.push(...page.items);
    resourceVersion = page.metadata.resourceVersion;
    token = page.metadata.continue || undefined;
  } while (token);
  return { items, resourceVersion };
}

/** One object by its API path (`/api/v1/namespaces/shop`), with the kube config's credentials. */
export async function getObject(kc: KubeConfig, path: string): Promise<WatchedObject> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('no current cluster in the kube config');
  return (await getJson(kc, new URL(server + path))) as unknown as WatchedObject;
}

interface ListPage {
  items: WatchedObject[];
  metadata: { resourceVersion: string; continue?: string };
}

async function getJson(kc: KubeConfig, url: URL): Promise<ListPage> {
  const options: RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  const secure = url.protocol === 'https:';
  // client-node's agent is for TLS; a plain-http API server (kubectl proxy, tests) takes the default one.
  if (!secure) delete options.agent;
  const request = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          const error = new Error(`LIST ${url.pathname}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
          return reject(Object.assign(error, { statusCode: res.statusCode }));
        }
        try {
          resolve(JSON.parse(text) as ListPage);
        } catch (error) {
          reject(new Error(`LIST ${url.pathname}: not JSON`, { cause: error }));
        }
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`LIST ${url.pathname}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}
