import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidWebhooksError, loadWebhooks } from './webhook-loader.js';

describe(loadWebhooks.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-webhooks-spec-'));
    await mkdir(join(dir, 'webhooks'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => writeFile(join(dir, 'webhooks', name), text);

  it('loads every kind, with defaults filled in; no directory means no webhooks', async () => {
    await write(
      'all.yaml',
      `kind: custom
name: shop
custom: { auth: { hmac: { header: X-Signature, secretEnv: SHOP_SECRET } } }
---
kind: sns
name: orders
sns: { topicArns: ['arn:aws:sns:eu-west-1:123456789012:orders'] }
---
kind: eventgrid
name: blobs
eventgrid: { secret: { header: X-Hub-Secret, secretEnv: SHOP_SECRET } }
---
kind: pubsub
name: builds
pubsub: { audience: https://hub.example.com, serviceAccount: push@p.iam.gserviceaccount.com }
`,
    );
    const loaded = await loadWebhooks(join(dir, 'webhooks'), { SHOP_SECRET: 'shop-secret-000001' });
    expect(loaded.map((d) => `${d.document.kind}/${d.document.name}`)).toEqual([
      'custom/shop',
      'sns/orders',
      'eventgrid/blobs',
      'pubsub/builds',
    ]);
    expect(loaded[1]?.document).toMatchObject({
      sns: { certHost: '^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$', autoConfirm: true },
    });
    expect(loaded[3]?.document).toMatchObject({ pubsub: { jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs' } });
    expect(await loadWebhooks(join(dir, 'absent'))).toEqual([]);
  });

  it('lists every problem of every file with its file, line and path', async () => {
    await write(
      'a.yaml',
      `kind: custom
name: shop
custom:
  auth:
    hmac:
      header: X-Signature
      algorithm: md5
      secretEnv: NOT_SET_ANYWHERE
event:
  type: "'external.' + bdy.type"
  colour: blue
`,
    );
    await write(
      'b.yaml',
      `kind: custom\nname: shop\ncustom: { auth: { bearer: { tokenEnv: SHOP_SECRET } } }\n---\nkind: ftp\nname: x\n`,
    );
    await write('c.yml', 'kind: [unclosed\n');
    const error = await loadWebhooks(join(dir, 'webhooks'), { SHOP_SECRET: 'shop-secret-000001' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidWebhooksError);
    const lines = (error as InvalidWebhooksError).message
      .split('\n')
      .slice(1)
      .map((l) => l.replace(dir, ''));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/a\.yaml:7 custom\.auth\.hmac\.algorithm: /),
        expect.stringMatching(/a\.yaml:11 event\.colour: is not a field here/),
        expect.stringMatching(/b\.yaml:5 \(document 2\) kind: /),
        expect.stringMatching(/c\.yml:\d+ \(yaml\): /),
      ]),
    );
    // CEL and environment checks run once the document has the right shape.
    await write(
      'a.yaml',
      `kind: custom\nname: shop2\ncustom:\n  auth:\n    hmac: { header: X-Signature, secretEnv: NOT_SET_ANYWHERE }\nevent:\n  type: "'external.' + bdy.type"\n`,
    );
    await rm(join(dir, 'webhooks', 'c.yml'));
    const second = (await loadWebhooks(join(dir, 'webhooks'), { SHOP_SECRET: 'shop-secret-000001' }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(second.message).toMatch(
      /a\.yaml:5 custom\.auth\.hmac\.secretEnv: environment variable NOT_SET_ANYWHERE is not set/,
    );
    expect(second.message).toMatch(/a\.yaml:7 event\.type: CEL: Unknown variable: bdy/);
    expect(second.message).toMatch(/b\.yaml:5 \(document 2\) kind/);
  });

  it('loads the documented examples (examples/webhooks) once their secrets are set', async () => {
    const examples = new URL('../../../../../examples/webhooks', import.meta.url).pathname;
    const env = Object.fromEntries(
      ['STRIPE_WEBHOOK_SECRET', 'SLACK_SIGNING_SECRET', 'JENKINS_WEBHOOK_TOKEN', 'EVENTGRID_STORAGE_SECRET'].map(
        (k) => [k, 'x'.repeat(16)],
      ),
    );
    const loaded = await loadWebhooks(examples, env);
    expect(loaded.map((d) => `${d.document.kind}/${d.document.name}`).sort()).toEqual([
      'custom/jenkins',
      'custom/slack',
      'custom/stripe',
      'eventgrid/storage',
      'pubsub/builds',
      'sns/orders',
    ]);
    await expect(loadWebhooks(examples, {})).rejects.toThrow(/STRIPE_WEBHOOK_SECRET is not set/);
  });

  it('refuses a kind and name defined twice', async () => {
    const doc = 'kind: custom\nname: shop\ncustom: { auth: { bearer: { tokenEnv: SHOP_SECRET } } }\n';
    await write('a.yaml', doc);
    await write('b.yaml', doc);
    await expect(loadWebhooks(join(dir, 'webhooks'), { SHOP_SECRET: 'shop-secret-000001' })).rejects.toThrow(
      /b\.yaml name: custom\/shop is already defined in .*a\.yaml/,
    );
  });
});
