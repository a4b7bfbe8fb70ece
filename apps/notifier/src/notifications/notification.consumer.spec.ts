import { DeadLetterError, RetryLaterError } from '@hub/messaging';
import { ChannelRateLimitedError, ChannelRejectedError, ChannelUnavailableError } from '../channels/channel.errors.js';
import { settle } from './notification.consumer.js';

describe(settle.name, () => {
  it('acks when every channel delivered, wrote the outbox or saw a duplicate', () => {
    expect(() =>
      settle([
        { channel: 'slack', outcome: 'delivered' },
        { channel: 'teams', outcome: 'duplicate' },
      ]),
    ).not.toThrow();
    expect(() => settle([{ channel: 'slack', outcome: 'outbox' }])).not.toThrow();
  });

  it('retries when any failure is retryable, after the longest Retry-After', () => {
    let error: unknown;
    try {
      settle([
        { channel: 'slack', outcome: 'failed', error: new ChannelRateLimitedError('slack', 'slow down', 30_000) },
        { channel: 'teams', outcome: 'failed', error: new ChannelRejectedError('teams', 'bad card') },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(30_000);
    expect((error as Error).message).toBe('slow down; bad card');
  });

  it('retries on the next tier when no delay was asked for', () => {
    expect(() =>
      settle([{ channel: 'teams', outcome: 'failed', error: new ChannelUnavailableError('teams', 'HTTP 503') }]),
    ).toThrow(expect.objectContaining({ delayMs: undefined }) as Error);
  });

  it('parks when every failure is final', () => {
    expect(() =>
      settle([
        { channel: 'slack', outcome: 'delivered' },
        { channel: 'teams', outcome: 'failed', error: new ChannelRejectedError('teams', 'Teams webhook answered 400') },
      ]),
    ).toThrow(DeadLetterError);
  });
});
