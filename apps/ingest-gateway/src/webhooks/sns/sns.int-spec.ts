import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnsFake } from '@hub/testing';
import { type PushGateway, startPushGateway } from '../../__tests__/push.harness.js';
import { webhookYaml } from '../../__tests__/webhook-fixtures.js';
import { RETRY_AFTER_SECONDS } from '../../errors/http-exception.filter.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:orders';

describe('POST /v1/webhooks/sns/{name}', () => {
  let sns: SnsFake;
  let gateway: PushGateway;

  beforeAll(async () => {
    sns = await SnsFake.start();
    const caFile = join(await mkdtemp(join(tmpdir(), 'hub-sns-ca-')), 'ca.pem');
    await writeFile(caFile, sns.cert);
    const loopback = `  certHost: '^127\\.0\\.0\\.1$'\n  caFile: ${caFile}\n  toleranceSeconds: 600\n`;
    gateway = await startPushGateway({
      env: { GATEWAY_BODY_LIMIT: '32768' },
      webhooks: {
        'orders.yaml': webhookYaml.sns('orders', TOPIC, loopback),
        'strict.yaml': webhookYaml.sns('strict', TOPIC),
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await sns?.stop();
  });

  const post = (name: string, message: Record<string, unknown>) =>
    gateway.send(`/v1/webhooks/sns/${name}`, JSON.stringify(message), {
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': String(message.Type),
      'x-amz-sns-message-id': String(message.MessageId),
    });

  it('confirms a signed SubscriptionConfirmation by fetching its SubscribeURL, publishing nothing', async () => {
    const response = await post(
      'orders',
      sns.message('SubscriptionConfirmation', { TopicArn: TOPIC, Message: 'You have chosen to subscribe' }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ confirmed: true, topicArn: TOPIC });
    expect(sns.confirmations()).toHaveLength(1);
    expect(sns.confirmations()[0]?.query.get('TopicArn')).toBe(TOPIC);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('does not fetch a SubscribeURL off the allowed host, even signed', async () => {
    const message = sns.message('SubscriptionConfirmation', {
      TopicArn: TOPIC,
      Message: 'subscribe',
      SubscribeURL: 'https://attacker.example.com/confirm?Token=1',
    });
    expect((await post('orders', message)).statusCode).toBe(401);
    expect(sns.confirmations()).toHaveLength(1);
  });

  it('publishes a Notification (SignatureVersion 1 and 2): JSON Message as data, text as a string, EventBridge keeps detail-type', async () => {
    const json = sns.message('Notification', {
      TopicArn: TOPIC,
      Subject: 'order',
      Message: JSON.stringify({ orderId: 'o-1', total: 12 }),
    });
    const text = sns.message('Notification', { TopicArn: TOPIC, Message: 'disk almost full' }, { version: '2' });
    const bridge = sns.message(
      'Notification',
      {
        TopicArn: TOPIC,
        Message: JSON.stringify({
          version: '0',
          'detail-type': 'EC2 Instance State-change Notification',
          source: 'aws.ec2',
          detail: { state: 'stopped' },
        }),
      },
      { version: '2' },
    );
    for (const message of [json, text, bridge]) expect((await post('orders', message)).statusCode).toBe(202);
    const events = (await gateway.received(3)).map((r) => r.event);
    expect(events[0]).toMatchObject({
      id: json.MessageId,
      type: 'external.aws.sns.orders',
      source: TOPIC,
      subject: 'order',
      hubsource: 'sns.orders',
      data: { orderId: 'o-1', total: 12 },
    });
    expect(events[1]).toMatchObject({ id: text.MessageId, data: 'disk almost full' });
    expect(events[2]).toMatchObject({
      subject: 'EC2 Instance State-change Notification',
      data: { 'detail-type': 'EC2 Instance State-change Notification', detail: { state: 'stopped' } },
    });
    // One certificate for every message so far (the confirmation's included): fetched once, then cached.
    expect(sns.certificateFetches()).toBe(1);
  });

  it('answers a redelivered MessageId 200 without publishing it again', async () => {
    const message = sns.message('Notification', { TopicArn: TOPIC, Message: '{"n":1}' });
    expect((await post('orders', message)).statusCode).toBe(202);
    await gateway.received(1);
    const again = await post('orders', message);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ accepted: 0, replayed: [message.MessageId] });
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('answers 401 to a forged message, another topic, a stale timestamp, a certificate off the allowed host, and no SNS at all', async () => {
    const fetches = sns.certificateFetches();
    const forged = sns.message(
      'Notification',
      { TopicArn: TOPIC, Message: 'ok' },
      { overrides: { Message: 'rm -rf' } },
    );
    expect((await post('orders', forged)).statusCode).toBe(401);
    const otherTopic = 'arn:aws:sns:eu-west-1:999999999999:theirs';
    expect((await post('orders', sns.message('Notification', { TopicArn: otherTopic, Message: 'x' }))).statusCode).toBe(
      401,
    );
    const stale = sns.message('Notification', {
      TopicArn: TOPIC,
      Message: 'x',
      Timestamp: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const staleReply = await post('orders', stale);
    expect(staleReply.statusCode).toBe(401);
    expect(staleReply.json()).toMatchObject({ error: { message: expect.stringContaining('old') as string } });
    // The default host pattern is sns.<region>.amazonaws.com: the loopback certificate is refused, never fetched.
    const strict = await post('strict', sns.message('Notification', { TopicArn: TOPIC, Message: 'x' }));
    expect(strict.statusCode).toBe(401);
    expect(strict.json()).toMatchObject({ error: { message: expect.stringContaining('allowed SNS host') as string } });
    expect(
      (await gateway.send('/v1/webhooks/sns/orders', '{"hello":"world"}', { 'content-type': 'application/json' }))
        .statusCode,
    ).toBe(401);
    expect(sns.certificateFetches()).toBe(fetches);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('answers 503 (SNS retries) when the certificate host does not answer, 401 when it has no such certificate', async () => {
    const unreachable = sns.message(
      'Notification',
      { TopicArn: TOPIC, Message: 'x' },
      { overrides: { SigningCertURL: 'https://127.0.0.1:9/SimpleNotificationService-x.pem' } },
    );
    const down = await post('orders', unreachable);
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    // AWS answers, but has no such certificate: a made-up URL, refused.
    sns.server.route('GET', /missing\.pem$/, () => ({ status: 404, body: 'NoSuchKey' }));
    const missing = sns.message(
      'Notification',
      { TopicArn: TOPIC, Message: 'x' },
      { overrides: { SigningCertURL: `${sns.url}/missing.pem` } },
    );
    expect((await post('orders', missing)).statusCode).toBe(401);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('answers an UnsubscribeConfirmation 200, and an oversized body 413', async () => {
    expect(
      (await post('orders', sns.message('UnsubscribeConfirmation', { TopicArn: TOPIC, Message: 'unsubscribed' })))
        .statusCode,
    ).toBe(200);
    const big = sns.message('Notification', { TopicArn: TOPIC, Message: 'x'.repeat(40_000) });
    expect((await post('orders', big)).statusCode).toBe(413);
    expect(await gateway.unexpected()).toHaveLength(0);
  });
});
