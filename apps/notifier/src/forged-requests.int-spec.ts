import { HubHeaders } from '@hub/messaging';
import { amqpUrl, QueueReader, uniqueName, waitFor } from '@hub/testing';
import { cardsOf, type NotifierHarness, ofIncident, startNotifier, update } from './__tests__/notifier.harness.js';

describe('notifier: forged notification requests', () => {
  let hub: NotifierHarness;
  let reader: QueueReader;

  beforeAll(async () => {
    hub = await startNotifier();
    reader = await QueueReader.open(amqpUrl());
  });

  afterAll(async () => {
    await reader?.close();
    await hub?.close();
  });

  it('parks a notification.requested not from the sensor (or the executor, S3) with the reason, and sends nothing', async () => {
    const key = uniqueName('forged');
    const forged = await hub.publish(update(key, 1, 'escalated'), undefined, 'backstage');
    const parked = await reader.parked(hub.queue, forged.id);
    expect(String(parked.properties.headers?.[HubHeaders.deadLetterReason])).toContain(
      '"notification.requested" from hubsource "backstage": only "sensor" or "remediation-executor" may issue it',
    );
    const real = uniqueName('real');
    await hub.publish(update(real, 1, 'firing'));
    await waitFor(
      "the sensor's notification posted",
      () => ofIncident(hub.slack.roots('#platform-alerts'), real).length,
    );
    expect(ofIncident(hub.slack.roots('#oncall'), key)).toEqual([]);
    expect(cardsOf(hub.teams, key)).toEqual([]);
  });
});
