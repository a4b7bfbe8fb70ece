import { createHmac } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { OidcFake, SnsFake } from '@hub/testing';
import { gitHubSignature, type PushGateway, startPushGateway } from '../../__tests__/push.harness.js';
import { webhookYaml } from '../../__tests__/webhook-fixtures.js';

const GITHUB = 'fuzz-github-secret-0001';
const GITLAB = 'fuzz-gitlab-token-00001';
const SHARED = 'fuzz-shared-secret-0001';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:fuzz';
const AUDIENCE = 'https://hub.example.com/fuzz';
const ACCOUNT = 'fuzz@p.iam.gserviceaccount.com';
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);

/**
 * Thousands of generated requests at every push route — random bodies, content types and headers,
 * half of them correctly signed so they reach the mappers — must never get a 5xx, and the gateway
 * must still answer afterwards. (`FUZZ_RUNS` per property; 500 × 7 properties by default.)
 */
describe('fuzzing the push routes', () => {
  let gateway: PushGateway;
  let sns: SnsFake;
  let google: OidcFake;
  let token: string;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    sns = await SnsFake.start();
    google = await OidcFake.start();
    token = await google.token(
      { email: ACCOUNT, email_verified: true },
      { audience: AUDIENCE, issuer: 'https://accounts.google.com' },
    );
    const caFile = join(await mkdtemp(join(tmpdir(), 'hub-fuzz-ca-')), 'ca.pem');
    await writeFile(caFile, sns.cert);
    process.env.FUZZ_SHARED = SHARED;
    gateway = await startPushGateway({
      env: { GITHUB_WEBHOOK_SECRET: GITHUB, GITLAB_WEBHOOK_TOKEN: GITLAB, GATEWAY_BODY_LIMIT: '8192' },
      webhooks: {
        'custom.yaml': webhookYaml.customHmac('f', 'FUZZ_SHARED'),
        'sns.yaml': webhookYaml.sns('f', TOPIC, `  certHost: '^127\\.0\\.0\\.1$'\n  caFile: ${caFile}\n`),
        'eventgrid.yaml': webhookYaml.eventgrid('f', 'FUZZ_SHARED'),
        'pubsub.yaml': webhookYaml.pubsub('f', google.jwksUrl, AUDIENCE, ACCOUNT),
      },
    });
  }, 60_000);

  afterAll(async () => {
    console.log('fuzz statuses', Object.fromEntries([...statuses].sort(([a], [b]) => a - b)));
    await gateway?.close();
    await sns?.stop();
    await google?.stop();
  });

  const anyJson = fc.jsonValue({ maxDepth: 6 });
  const body = fc.oneof(
    anyJson.map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
    fc.constant(''),
    fc.constant('x'.repeat(9000)),
  );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain; charset=UTF-8',
    'application/cloudevents+json',
    'application/cloudevents-batch+json',
    'application/x-www-form-urlencoded',
    'application/octet-stream',
    'text/html',
    '',
  );
  const headerValue = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom('sha256=', 'Bearer ', 'push', 'ping', '0', '-1'),
  );
  const headers = fc.dictionary(
    fc.constantFrom(
      'x-hub-signature-256',
      'x-github-event',
      'x-github-delivery',
      'x-gitlab-token',
      'x-gitlab-event',
      'x-gitlab-event-uuid',
      'x-signature',
      'authorization',
      'webhook-request-origin',
      'aeg-event-type',
    ),
    headerValue,
    { maxKeys: 6 },
  );

  async function send(url: string, payload: string, sent: Record<string, string>, method: 'POST' | 'OPTIONS' = 'POST') {
    const response = await gateway.send(url, payload, sent, method);
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    return response.statusCode;
  }

  const ok = (status: number) => status >= 200 && status < 500;
  const fuzzed = (url: string, methods: ('POST' | 'OPTIONS')[] = ['POST']) =>
    fc.asyncProperty(body, contentType, headers, fc.constantFrom(...methods), async (payload, type, extra, method) => {
      const status = await send(url, payload, { ...extra, ...(type ? { 'content-type': type } : {}) }, method);
      expect(status, `${method} ${url} → ${status}`).toSatisfy(ok);
    });

  it('unsigned: random requests at every push route never give a 5xx', async () => {
    for (const [url, methods] of [
      ['/v1/webhooks/github', ['POST']],
      ['/v1/webhooks/gitlab', ['POST']],
      ['/v1/webhooks/custom/f', ['POST']],
      ['/v1/webhooks/custom/unknown', ['POST']],
      ['/v1/webhooks/sns/f', ['POST']],
      ['/v1/webhooks/eventgrid/f', ['POST', 'OPTIONS']],
      ['/v1/webhooks/pubsub/f', ['POST']],
    ] as const) {
      await fc.assert(fuzzed(url, [...methods]), { numRuns: Math.ceil(RUNS / 4) });
    }
  }, 300_000);

  it('signed GitHub and GitLab deliveries with random bodies and event kinds reach the mappers without a 5xx', async () => {
    const kinds = fc.constantFrom(
      'push',
      'pull_request',
      'workflow_run',
      'package',
      'registry_package',
      'ping',
      'star',
    );
    await fc.assert(
      fc.asyncProperty(anyJson, kinds, fc.uuid(), async (value, kind, delivery) => {
        const raw = JSON.stringify(value);
        const status = await send('/v1/webhooks/github', raw, {
          'content-type': 'application/json',
          'x-github-event': kind,
          'x-github-delivery': delivery,
          'x-hub-signature-256': gitHubSignature(GITHUB, raw),
        });
        expect(status).toSatisfy(ok);
      }),
      { numRuns: RUNS },
    );
    const gitlabKinds = fc.constantFrom(
      'Push Hook',
      'Tag Push Hook',
      'Merge Request Hook',
      'Pipeline Hook',
      'Note Hook',
    );
    await fc.assert(
      fc.asyncProperty(anyJson, gitlabKinds, fc.uuid(), async (value, kind, uuid) => {
        const status = await send('/v1/webhooks/gitlab', JSON.stringify(value), {
          'content-type': 'application/json',
          'x-gitlab-event': kind,
          'x-gitlab-event-uuid': uuid,
          'x-gitlab-token': GITLAB,
        });
        expect(status).toSatisfy(ok);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('signed custom, Event Grid, Pub/Sub and SNS requests with random payloads never give a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, fc.boolean(), async (value, wrapped) => {
        const raw = JSON.stringify(value);
        const signature = `sha256=${createHmac('sha256', SHARED).update(raw).digest('hex')}`;
        expect(
          await send('/v1/webhooks/custom/f', raw, { 'content-type': 'application/json', 'x-signature': signature }),
        ).toSatisfy(ok);
        expect(
          await send(`/v1/webhooks/eventgrid/f?code=${SHARED}`, raw, { 'content-type': 'application/json' }),
        ).toSatisfy(ok);
        const envelope = JSON.stringify({
          message: { data: Buffer.from(raw).toString('base64'), messageId: raw.slice(0, 40) || '1' },
          subscription: 's',
        });
        const pubsubBody = wrapped ? envelope : raw;
        expect(
          await send('/v1/webhooks/pubsub/f', pubsubBody, {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
          }),
        ).toSatisfy(ok);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        fc.constantFrom<'1' | '2'>('1', '2'),
        async (message, subject, version) => {
          const signed = sns.message(
            'Notification',
            { TopicArn: TOPIC, Message: message, ...(subject !== undefined ? { Subject: subject } : {}) },
            { version },
          );
          expect(
            await send('/v1/webhooks/sns/f', JSON.stringify(signed), { 'content-type': 'text/plain; charset=UTF-8' }),
          ).toSatisfy(ok);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }, 300_000);

  it('is still up and ready afterwards', async () => {
    expect((await gateway.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await gateway.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
