import { createEvent, type HubEvent } from '@hub/contracts';
import { FakeSplunkHec } from '@hub/testing';
import { SinkUnavailableError } from '../sinks/sink.errors.js';
import { SplunkHecSink, type SplunkHecOptions } from './splunk-hec.sink.js';

const TOKEN = 'hec-token-for-the-sink-spec';

describe(SplunkHecSink.name, () => {
  let hec: FakeSplunkHec;

  afterEach(async () => {
    await hec?.stop();
  });

  const sink = (options: Partial<SplunkHecOptions> = {}) =>
    new SplunkHecSink({
      url: `${hec.url}/services/collector`,
      token: TOKEN,
      sourcetype: 'hub:event',
      timeoutMs: 5_000,
      ackTimeoutMs: 5_000,
      ackPollMs: 10,
      ...options,
    });
  const records = (...subjects: string[]) =>
    subjects.map((subject) => ({ event: createEvent({ type: 'alert.firing', source: '/t', subject, data: {} }) }));

  it('counts a batch as taken only once the indexer acknowledged it', async () => {
    hec = await new FakeSplunkHec({ token: TOKEN, ack: true, ackAfterPolls: 3 }).start();
    expect(await sink().deliver(records('a', 'b'))).toEqual({ rejected: new Map() });
    expect(hec.payloads<HubEvent>().map((e) => e.subject)).toEqual(['a', 'b']);
    expect(hec.find('POST', /\/ack$/)).toHaveLength(4);
  });

  it('treats a refused token as "down" (retried), not as a refused record', async () => {
    hec = await new FakeSplunkHec({ token: TOKEN }).start();
    await expect(sink({ token: 'wrong' }).deliver(records('a'))).rejects.toThrow(
      new SinkUnavailableError('splunk-hec', 'HEC answered 403: Invalid token (code 4)'),
    );
    hec.down();
    await expect(sink().deliver(records('a'))).rejects.toBeInstanceOf(SinkUnavailableError);
    expect(hec.events).toEqual([]);
  });

  it('reports each refused record by its index and delivers the others in order', async () => {
    hec = await new FakeSplunkHec({ token: TOKEN }).start();
    hec.rejectWhen((item) => (item.event as HubEvent).subject?.startsWith('bad') ?? false);
    const outcome = await sink().deliver(records('a', 'bad-1', 'b', 'bad-2', 'c'));
    expect([...outcome.rejected]).toEqual([
      [1, 'Invalid data format (HEC code 6)'],
      [3, 'Invalid data format (HEC code 6)'],
    ]);
    expect(hec.payloads<HubEvent>().map((e) => e.subject)).toEqual(['a', 'b', 'c']);
  });
});
