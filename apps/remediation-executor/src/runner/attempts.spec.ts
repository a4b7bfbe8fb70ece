import { ArgoCdRequestError } from '../actions/argocd-sync/argocd.errors.js';
import { InvalidActionParamsError } from '../actions/action.errors.js';
import { runAttempts } from './attempts.js';
import { ActionInterruptedError } from './runner.errors.js';

describe(runAttempts.name, () => {
  const policy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 4 };
  const ok = { details: { done: true } };
  const options = (extra = {}) => ({ policy, done: 0, signal: new AbortController().signal, ...extra });

  it('retries retryable failures until one succeeds', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await runAttempts(
      () => (++calls < 3 ? Promise.reject(new ArgoCdRequestError('500', 500)) : Promise.resolve(ok)),
      options({ onRetry: (_attempt: number, delayMs: number) => retries.push(delayMs) }),
    );
    expect(result).toEqual({ ok: true, outcome: ok, attempts: 3 });
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after the last attempt, saying why', async () => {
    const work = vi.fn(() => Promise.reject(new ArgoCdRequestError('Argo CD answered 500', 500)));
    const result = await runAttempts(work, options());
    expect(work).toHaveBeenCalledTimes(4);
    expect(result).toMatchObject({ ok: false, attempts: 4, reason: 'gave up after 4 attempts: Argo CD answered 500' });
  });

  it('stops at once on a permanent failure', async () => {
    const work = vi.fn(() => Promise.reject(new InvalidActionParamsError('bad params')));
    expect(await runAttempts(work, options())).toMatchObject({ ok: false, attempts: 1, reason: 'bad params' });
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('continues the count of a resumed run and records each attempt first', async () => {
    const recorded: number[] = [];
    const result = await runAttempts(() => Promise.resolve(ok), {
      ...options({ done: 2 }),
      beforeAttempt: (attempt) => Promise.resolve(void recorded.push(attempt)),
    });
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(recorded).toEqual([3]);
  });

  it('gives a run interrupted during its last attempt one more attempt instead of failing it unseen', async () => {
    expect(await runAttempts(() => Promise.resolve(ok), options({ done: 4 }))).toMatchObject({ ok: true, attempts: 5 });
    const flaky = () => Promise.reject(new ArgoCdRequestError('502', 502));
    expect(await runAttempts(flaky, options({ done: 4 }))).toMatchObject({
      ok: false,
      attempts: 5,
      reason: expect.stringMatching(/^gave up after 5 attempts: /),
    });
  });

  it('is interrupted, not failed, when the signal aborts during a backoff', async () => {
    const controller = new AbortController();
    const run = runAttempts(
      () => {
        setTimeout(() => controller.abort(), 5);
        return Promise.reject(new ArgoCdRequestError('500', 500));
      },
      { policy: { ...policy, baseDelayMs: 60_000, maxDelayMs: 60_000 }, done: 0, signal: controller.signal },
    );
    await expect(run).rejects.toThrow(ActionInterruptedError);
  });
});
