import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ciWorkflowSchema, gitPullRequestSchema, gitPushSchema, gitTagSchema } from '@hub/contracts';
import { type PushGateway, startPushGateway } from '../../__tests__/push.harness.js';

const TOKEN = 'gl-webhook-token-0001';

function example(name: string): Record<string, unknown> {
  const url = new URL(`../../../../../examples/gitlab/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

describe('POST /v1/webhooks/gitlab', () => {
  let gateway: PushGateway;

  beforeAll(async () => {
    gateway = await startPushGateway({
      env: { GITLAB_WEBHOOK_TOKEN: `old-gl-token-000001,${TOKEN}`, GATEWAY_BODY_LIMIT: '65536' },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const deliver = (kind: string, body: unknown, { token = TOKEN, uuid = randomUUID() } = {}) =>
    gateway.send('/v1/webhooks/gitlab', typeof body === 'string' ? body : JSON.stringify(body), {
      'content-type': 'application/json',
      'x-gitlab-event': kind,
      'x-gitlab-event-uuid': uuid,
      ...(token ? { 'x-gitlab-token': token } : {}),
    });

  it('maps push, tag push, merge request and a finished pipeline to the same types as GitHub', async () => {
    const mr = example('merge_request-open');
    const attributes = mr.object_attributes as Record<string, unknown>;
    for (const [kind, body] of [
      ['Push Hook', example('push')],
      ['Tag Push Hook', example('tag_push')],
      ['Merge Request Hook', mr],
      ['Merge Request Hook', { ...mr, object_attributes: { ...attributes, action: 'update', oldrev: 'abc' } }],
      ['Merge Request Hook', { ...mr, object_attributes: { ...attributes, action: 'merge' } }],
      ['Merge Request Hook', { ...mr, object_attributes: { ...attributes, action: 'close' } }],
      ['Pipeline Hook', example('pipeline-failed')],
    ] as const) {
      expect((await deliver(kind, body)).statusCode).toBe(202);
    }
    const events = (await gateway.received(7)).map((r) => r.event);
    expect(events.map((e) => e.type)).toEqual([
      'git.push',
      'git.tag.created',
      'git.pull_request.opened',
      'git.pull_request.synchronized',
      'git.pull_request.merged',
      'git.pull_request.closed',
      'ci.workflow.completed',
    ]);
    expect(events[0]).toMatchObject({
      hubsource: 'gitlab',
      source: '/gitlab/acme/payments-api',
      data: { branch: 'main', pusher: 'jsmith' },
    });
    expect(gitPushSchema.safeParse(events[0]?.data).success).toBe(true);
    expect(gitTagSchema.safeParse(events[1]?.data).success).toBe(true);
    expect(events[2]).toMatchObject({
      incidentkey: 'pr:acme/payments-api#7',
      data: { number: 7, head: { ref: 'retry-503' } },
    });
    expect(gitPullRequestSchema.safeParse(events[2]?.data).success).toBe(true);
    expect(events[6]?.data).toMatchObject({ conclusion: 'failure', runId: '31', branch: 'main' });
    expect(ciWorkflowSchema.safeParse(events[6]?.data).success).toBe(true);
  });

  it('answers 401 to a missing or wrong X-Gitlab-Token, and 200 to a replayed X-Gitlab-Event-UUID', async () => {
    expect((await deliver('Push Hook', example('push'), { token: '' })).statusCode).toBe(401);
    expect((await deliver('Push Hook', example('push'), { token: `${TOKEN}x` })).statusCode).toBe(401);
    const uuid = randomUUID();
    expect((await deliver('Push Hook', example('push'), { uuid })).statusCode).toBe(202);
    const [first] = await gateway.received(1);
    const again = await deliver('Push Hook', example('push'), { uuid });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ accepted: 0, ids: [first?.event.id], replayed: [uuid] });
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('acknowledges a running pipeline without publishing; refuses a body of the wrong shape and an oversized one', async () => {
    const running = {
      ...example('pipeline-failed'),
      object_attributes: { id: 32, ref: 'main', sha: 'abc', status: 'running' },
    };
    const response = await deliver('Pipeline Hook', running);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ accepted: 0, ignored: [expect.stringContaining('running') as string] });
    expect((await deliver('Push Hook', { object_kind: 'push' })).statusCode).toBe(422);
    expect(
      (await deliver('Push Hook', JSON.stringify({ ...example('push'), pad: 'x'.repeat(70_000) }))).statusCode,
    ).toBe(413);
    expect(await gateway.unexpected()).toHaveLength(0);
  });
});
