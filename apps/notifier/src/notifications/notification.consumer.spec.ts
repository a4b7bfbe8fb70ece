import { decideAck, DeadLetterError, DependencyUnavailableError, RetryLaterError } from '@hub/messaging';
import {
  asChannelError,
  ChannelRateLimitedError,
  ChannelRejectedError,
  ChannelUnavailableError,
} from '../channels/channel.errors.js';
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

  it('holds (no attempt spent, the consumer pauses) when a channel failed because PostgreSQL went away', () => {
    // What pg throws when the server terminates the session (a restart): code 57P01.
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    let error: unknown;
    try {
      settle([
        { channel: 'slack', outcome: 'failed', error: asChannelError('slack', terminated) },
        { channel: 'teams', outcome: 'failed', error: new ChannelUnavailableError('teams', 'HTTP 503') },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).dependency).toBe('postgresql');
    // Attempt 9 of 3 tiers would be parked as a retry; an outage is held instead.
    expect(decideAck(error, 9, [1_000, 10_000, 60_000])).toMatchObject({ action: 'hold', dependency: 'postgresql' });
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
