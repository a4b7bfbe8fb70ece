import { decideAck } from './ack-policy.js';
import { DeadLetterError, DependencyUnavailableError, RetryLaterError, UnroutableError } from './messaging.errors.js';

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

  it('holds, without using an attempt, when a dependency every delivery needs is away', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    for (const error of [refused, terminated, new Error('Connection terminated unexpectedly')]) {
      expect(decideAck(error, 3, tiers)).toMatchObject({ action: 'hold', delayMs: 100, dependency: 'postgresql' });
    }
    expect(decideAck(new DependencyUnavailableError('jira', 'JIRA answers 503'), 9, tiers)).toMatchObject({
      action: 'hold',
      dependency: 'jira',
    });
  });

  it("does not take a bad query or a vendor's wrapped connection error for an outage", () => {
    const badQuery = Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
    expect(decideAck(badQuery, 1, tiers)).toMatchObject({ action: 'retry' });
    const fetchFailed = new TypeError('fetch failed', {
      cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    });
    expect(decideAck(fetchFailed, 1, tiers)).toMatchObject({ action: 'retry' });
  });
});
