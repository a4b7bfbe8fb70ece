import { ArgoCdRequestError, ArgoCdSyncFailedError } from '../actions/argocd-sync/argocd.errors.js';
import { InvalidActionParamsError } from '../actions/action.errors.js';
import {
  KubernetesNotFoundError,
  KubernetesUnreachableError,
} from '../actions/externalsecret-refresh/kubernetes.errors.js';
import { classifyFailure, retryDelayMs } from './retry.policy.js';

describe(classifyFailure.name, () => {
  it('retries 5xx, 429 and unreachable targets', () => {
    expect(classifyFailure(new ArgoCdRequestError('boom', 500))).toEqual({ retryable: true, reason: 'boom' });
    expect(classifyFailure(new ArgoCdRequestError('slow', 429, 3_000))).toEqual({
      retryable: true,
      reason: 'slow',
      retryAfterMs: 3_000,
    });
    expect(classifyFailure(new KubernetesUnreachableError('ECONNREFUSED')).retryable).toBe(true);
  });

  it('fails fast on other 4xx, failed operations, validation, and untyped errors', () => {
    expect(classifyFailure(new ArgoCdRequestError('no', 403)).retryable).toBe(false);
    expect(classifyFailure(new KubernetesNotFoundError('gone')).retryable).toBe(false);
    expect(classifyFailure(new ArgoCdSyncFailedError('Failed')).retryable).toBe(false);
    expect(classifyFailure(new InvalidActionParamsError('bad')).retryable).toBe(false);
    expect(classifyFailure(new TypeError('x is undefined'))).toEqual({ retryable: false, reason: 'x is undefined' });
  });
});

describe(retryDelayMs.name, () => {
  const policy = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 5_000 };

  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt))).toEqual([
      1_000, 2_000, 4_000, 5_000, 5_000,
    ]);
  });

  it('waits at least what Retry-After asks', () => {
    expect(retryDelayMs(policy, 1, 7_000)).toBe(7_000);
    expect(retryDelayMs(policy, 3, 10)).toBe(4_000);
  });
});
