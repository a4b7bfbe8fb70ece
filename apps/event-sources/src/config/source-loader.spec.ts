import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSources } from './source-loader.js';
import { InvalidSourcesError } from './source.errors.js';

describe(loadSources.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-sources-'));
    await mkdir(dir, { recursive: true });
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('loads one source per document, with defaults', async () => {
    await writeFile(
      join(dir, 'a.yaml'),
      `apiVersion: hub/v1
kind: Source
metadata: { name: orders }
spec:
  nats: { stream: ORDERS, map: { type: external.orders.created } }
---
apiVersion: hub/v1
kind: Source
metadata: { name: cluster }
spec:
  kubernetes:
    events: { reasons: [BackOff] }
    watches: [{ resource: pods, labelSelector: 'app=web' }]
`,
    );
    const sources = await loadSources(dir);
    expect(sources.map((s) => s.name)).toEqual(['orders', 'cluster']);
    expect(sources[0]?.document.spec.nats).toMatchObject({ ackWait: 30_000, nakDelay: 5_000, filterSubjects: [] });
    expect(sources[1]?.document.spec.kubernetes?.events).toMatchObject({ apis: ['v1'], window: 300_000 });
    expect(sources[1]?.document.spec.kubernetes?.watches[0]).toMatchObject({ resource: 'pods', restartThreshold: 3 });
  });

  it('lists every problem of every file with its file, line and path', async () => {
    await writeFile(
      join(dir, 'bad.yaml'),
      `apiVersion: hub/v1
kind: Source
metadata: { name: bad }
spec:
  mqtt:
    topics:
      - { filter: 'a/#/b', type: external.x.y }
      - { filter: 'ok/+', type: action.requested.argocd.sync }
    retryDelay: soon
`,
    );
    await writeFile(
      join(dir, 'two.yaml'),
      `apiVersion: hub/v1
kind: Source
metadata: { name: bad }
spec:
  nats: { stream: S }
  kubernetes: { watches: [{ resource: secrets }] }
`,
    );
    const error = await loadSources(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSourcesError);
    const text = (error as InvalidSourcesError).message;
    expect(text).toContain('bad.yaml:7 spec.mqtt.topics.0.filter: must be an MQTT topic filter');
    expect(text).toContain('bad.yaml:8 spec.mqtt.topics.1.type: must be an external event type');
    expect(text).toContain('bad.yaml:9 spec.mqtt.retryDelay: "soon" is not a positive duration');
    expect(text).toContain('two.yaml:6 spec.kubernetes.watches.0.resource');
    expect((error as InvalidSourcesError).problems.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a name defined twice and a spec with two kinds', async () => {
    const doc = (spec: string) => `apiVersion: hub/v1\nkind: Source\nmetadata: { name: dup }\nspec: ${spec}\n`;
    await writeFile(join(dir, 'a.yaml'), doc('{ nats: { stream: A } }'));
    await writeFile(join(dir, 'b.yaml'), doc('{ nats: { stream: B }, mqtt: { topics: [{ filter: x }] } }'));
    const failure = (): Promise<string> =>
      loadSources(dir).then(
        () => 'loaded',
        (e: unknown) => (e as Error).message,
      );
    const text = await failure();
    expect(text).toContain('spec: must hold exactly one of nats, mqtt, kubernetes (found 2)');
    await writeFile(join(dir, 'b.yaml'), doc('{ nats: { stream: B } }'));
    expect(await failure()).toContain('source "dup" is already defined in');
  });

  it('answers no source for a missing directory', async () => {
    expect(await loadSources(join(dir, 'none'))).toEqual([]);
  });
});
