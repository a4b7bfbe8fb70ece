import { decideAck } from './ack-policy.js';
import { DeadLetterError, RetryLaterError, UnroutableError } from './messaging.errors.js';

describe(decideAck.name, () => {
  const tiers = [100, 1_000, 10_000];

  it('acks a success', () => {
    expect(decideAck(undefined, 1, tiers)).toEqual({ action: 'ack' });
  });

  it('moves an unexpected exception through the tiers, then parks it', () => {
    const error = new Error('boom');
    expect(decideAck(error, 1, tiers)).toMatchObject({ action: 'retry', delayMs: 100 });
    expect(decideAck(error, 3, tiers)).toMatchObject({ action: 'retry', delayMs: 10_000 });
    expect(decideAck(error, 4, tiers)).toEqual({
      action: 'dead-letter',
      reason: 'retries exhausted after 4 attempts; last error Error: boom',
    });
  });

  it('parks DeadLetterError and non-retryable hub errors at once', () => {
    expect(decideAck(new DeadLetterError('bad payload'), 1, tiers)).toEqual({
      action: 'dead-letter',
      reason: 'DeadLetterError: bad payload',
    });
    expect(decideAck(new UnroutableError('nowhere'), 1, tiers)).toMatchObject({ action: 'dead-letter' });
  });

  it('honours a wanted delay by picking the first tier at least that long', () => {
    expect(decideAck(new RetryLaterError('429', 500), 1, tiers)).toMatchObject({ delayMs: 1_000 });
    expect(decideAck(new RetryLaterError('429', 99_999), 1, tiers)).toMatchObject({ delayMs: 10_000 });
  });

  it('parks at once when no retry tiers are configured', () => {
    expect(decideAck(new Error('x'), 1, [])).toMatchObject({ action: 'dead-letter' });
  });
});
