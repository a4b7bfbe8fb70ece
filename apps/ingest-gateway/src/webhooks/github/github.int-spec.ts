import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gitPullRequestSchema, gitPushSchema } from '@hub/contracts';
import { gitHubSignature, type PushGateway, startPushGateway } from '../../__tests__/push.harness.js';

const SECRET = 'gh-webhook-secret-0001';
const NEXT_SECRET = 'gh-webhook-secret-0002';

function example(name: string): Record<string, unknown> {
  const url = new URL(`../../../../../examples/github/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

describe('POST /v1/webhooks/github', () => {
  let gateway: PushGateway;

  beforeAll(async () => {
    gateway = await startPushGateway({
      env: { GITHUB_WEBHOOK_SECRET: `${SECRET}, ${NEXT_SECRET}`, GATEWAY_BODY_LIMIT: '65536' },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const deliver = (kind: string, body: unknown, { secret = SECRET, delivery = randomUUID(), headers = {} } = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    return gateway.send('/v1/webhooks/github', raw, {
      'content-type': 'application/json',
      'x-github-event': kind,
      'x-github-delivery': delivery,
      'x-hub-signature-256': gitHubSignature(secret, raw),
      ...headers,
    });
  };

  it('publishes a signed push as git.push, with no ingest token, under either secret while one is rotated', async () => {
    const delivery = randomUUID();
    const response = await deliver('push', example('push'), { delivery });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: 1, ids: [delivery] });
    const [received] = await gateway.received(1);
    expect(received?.event).toMatchObject({
      id: delivery,
      type: 'git.push',
      source: '/github/acme/payments-api',
      subject: 'refs/heads/main',
      hubsource: 'github',
      data: {
        provider: 'github',
        repository: { fullName: 'acme/payments-api', defaultBranch: 'main' },
        branch: 'main',
        after: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
        commits: [{ message: 'Raise the payment timeout to 5 s', author: 'octocat' }],
        pusher: 'octocat',
      },
    });
    expect(gitPushSchema.safeParse(received?.event.data).success).toBe(true);
    expect((await deliver('push', example('push'), { secret: NEXT_SECRET })).statusCode).toBe(202);
    await gateway.received(1);
  });

  it('answers 401 to a missing or wrong signature, and to a body changed after signing; publishes nothing', async () => {
    const raw = JSON.stringify(example('push'));
    const unsigned = await gateway.send('/v1/webhooks/github', raw, {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
    });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toMatchObject({
      error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('X-Hub-Signature-256') as string },
    });
    expect((await deliver('push', example('push'), { secret: 'not-the-secret-at-all' })).statusCode).toBe(401);
    const tampered = await gateway.send('/v1/webhooks/github', raw.replace('main', 'prod'), {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': gitHubSignature(SECRET, raw),
    });
    expect(tampered.statusCode).toBe(401);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('answers ping 200 without publishing', async () => {
    const response = await deliver('ping', example('ping'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, ping: true, hookId: 109948940 });
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('answers a redelivery 200 with the first ids and does not publish it again, on another replica too', async () => {
    const delivery = randomUUID();
    expect((await deliver('push', example('push'), { delivery })).statusCode).toBe(202);
    await gateway.received(1);
    const again = await deliver('push', example('push'), { delivery });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ accepted: 0, ids: [delivery], replayed: [delivery] });
    expect(await gateway.deliveries('github')).toContain(delivery);
    const replica = await startPushGateway({ shareWith: gateway, env: { GITHUB_WEBHOOK_SECRET: SECRET } });
    try {
      expect(
        (
          await replica.send('/v1/webhooks/github', JSON.stringify(example('push')), {
            'content-type': 'application/json',
            'x-github-event': 'push',
            'x-github-delivery': delivery,
            'x-hub-signature-256': gitHubSignature(SECRET, JSON.stringify(example('push'))),
          })
        ).statusCode,
      ).toBe(200);
      expect(await replica.unexpected()).toHaveLength(0);
    } finally {
      await replica.close();
    }
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('does not remember a delivery the broker did not confirm: its retry is published', async () => {
    const down = await startPushGateway({
      shareWith: gateway,
      connected: false,
      env: { GITHUB_WEBHOOK_SECRET: SECRET, AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' },
    });
    const delivery = randomUUID();
    const raw = JSON.stringify(example('push'));
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': delivery,
      'x-hub-signature-256': gitHubSignature(SECRET, raw),
    };
    try {
      const refused = await down.send('/v1/webhooks/github', raw, headers);
      expect(refused.statusCode).toBe(503);
    } finally {
      await down.close();
    }
    expect(await gateway.deliveries('github')).not.toContain(delivery);
    expect((await gateway.send('/v1/webhooks/github', raw, headers)).statusCode).toBe(202);
    expect((await gateway.received(1))[0]?.event.id).toBe(delivery);
  });

  it('maps pull requests, tags, workflow runs and container packages to their typed events', async () => {
    const pr = example('pull_request-opened');
    const pull = pr.pull_request as Record<string, unknown>;
    await deliver('pull_request', pr);
    await deliver('pull_request', { ...pr, action: 'synchronize' });
    await deliver('pull_request', { ...pr, action: 'closed', pull_request: { ...pull, merged: true } });
    await deliver('pull_request', { ...pr, action: 'closed', pull_request: { ...pull, merged: false } });
    await deliver('push', example('push-tag'));
    await deliver('workflow_run', example('workflow_run-completed'));
    await deliver('registry_package', example('registry_package-published'));
    const events = (await gateway.received(7)).map((r) => r.event);
    expect(events.map((e) => e.type)).toEqual([
      'git.pull_request.opened',
      'git.pull_request.synchronized',
      'git.pull_request.merged',
      'git.pull_request.closed',
      'git.tag.created',
      'ci.workflow.completed',
      'registry.image.pushed',
    ]);
    expect(events[0]).toMatchObject({
      subject: '#42',
      incidentkey: 'pr:acme/payments-api#42',
      data: {
        number: 42,
        head: { ref: 'retry-503', sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' },
        base: { ref: 'main' },
      },
    });
    expect(gitPullRequestSchema.safeParse(events[0]?.data).success).toBe(true);
    expect(events[4]?.data).toMatchObject({ tag: 'v1.4.0', sha: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c' });
    expect(events[5]?.data).toMatchObject({ workflow: 'CI', conclusion: 'failure', branch: 'main', runId: '30433642' });
    expect(events[6]?.data).toMatchObject({ image: 'ghcr.io/acme/payments-api', tag: '1.4.0' });
  });

  it('acknowledges unmapped events without publishing, and refuses bodies it cannot read', async () => {
    const star = await deliver('star', { action: 'created', repository: example('push').repository });
    expect(star.statusCode).toBe(202);
    expect(star.json()).toMatchObject({ accepted: 0, ignored: [expect.stringContaining('star') as string] });
    expect((await deliver('push', { zen: 'not a push' })).statusCode).toBe(422);
    expect((await deliver('push', example('push'), { headers: { 'content-type': 'text/plain' } })).statusCode).toBe(
      415,
    );
    const big = JSON.stringify({ ...example('push'), padding: 'x'.repeat(70_000) });
    expect((await deliver('push', big)).statusCode).toBe(413);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('counts what it did per outcome (hub_push_deliveries_total)', async () => {
    const metrics = (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const outcome of ['published', 'replayed', 'ignored', 'handshake', 'rejected']) {
      expect(metrics).toMatch(new RegExp(`hub_push_deliveries_total\\{source="github",outcome="${outcome}"\\} [1-9]`));
    }
  });
});
