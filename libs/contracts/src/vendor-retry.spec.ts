import { vendorRequestError, vendorUnreachableError } from './vendor-http.js';
import { VendorCircuitOpenError, VendorRetryPolicy, vendorVerdict } from './vendor-retry.js';

class DownError extends vendorUnreachableError('TEST_UNREACHABLE') {}
class AnsweredError extends vendorRequestError('TEST_REQUEST_FAILED') {}

/** A call that fails with each of `failures` in turn, then answers 'ok'. */
function scripted(...failures: Error[]) {
  let calls = 0;
  const call = () => {
    const failure = failures[calls++];
    return failure ? Promise.reject(failure) : Promise.resolve('ok');
  };
  return { call, calls: () => calls };
}

const quick = { vendor: 'acme', initialDelayMs: 4, maxDelayMs: 20 };

describe(vendorVerdict.name, () => {
  it('tells rate limits, outages and the rest apart', () => {
    expect(vendorVerdict(new AnsweredError('slow', 429, 3_000))).toEqual({ kind: 'rate-limited', retryAfterMs: 3_000 });
    expect(vendorVerdict(new AnsweredError('busy', 503, 2_000))).toEqual({ kind: 'rate-limited', retryAfterMs: 2_000 });
    expect(vendorVerdict(new AnsweredError('boom', 502))).toEqual({ kind: 'unavailable' });
    expect(vendorVerdict(new DownError('ECONNREFUSED'))).toEqual({ kind: 'unavailable' });
    expect(vendorVerdict(new AnsweredError('no', 403))).toEqual({ kind: 'final' });
    // retryable for the caller (a conflict), but no sign that the vendor is down
    expect(vendorVerdict(new AnsweredError('conflict', 409, undefined, {}, true))).toEqual({ kind: 'final' });
    expect(vendorVerdict(new TypeError('x is undefined'))).toEqual({ kind: 'final' });
  });
});

describe(VendorRetryPolicy.name, () => {
  it('retries an unavailable vendor inline with a jittered, doubling back-off, then gives its error', async () => {
    const delays: number[] = [];
    const sut = new VendorRetryPolicy({
      ...quick,
      retries: 3,
      breakAfter: 0,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    });
    const flaky = scripted(new DownError('reset'), new AnsweredError('boom', 500));
    await expect(sut.execute(flaky.call)).resolves.toBe('ok');
    expect(flaky.calls()).toBe(3);

    const down = scripted(...Array.from({ length: 9 }, () => new DownError('reset')));
    await expect(sut.execute(down.call)).rejects.toBeInstanceOf(DownError);
    expect(down.calls()).toBe(4);
    // [½, 1) of 4, 8, 16 ms (the cap is 20)
    const [first, second, third] = delays.slice(2);
    expect(first).toBeGreaterThanOrEqual(2);
    expect(first).toBeLessThan(4);
    expect(second).toBeGreaterThanOrEqual(4);
    expect(second).toBeLessThan(8);
    expect(third).toBeGreaterThanOrEqual(8);
    expect(third).toBeLessThan(16);
  });

  it('never retries a final failure, and a write only as often as the call says', async () => {
    const sut = new VendorRetryPolicy({ ...quick, retries: 3 });
    const refused = scripted(new AnsweredError('no', 400));
    await expect(sut.execute(refused.call)).rejects.toBeInstanceOf(AnsweredError);
    expect(refused.calls()).toBe(1);
    const write = scripted(new AnsweredError('boom', 502));
    await expect(sut.execute(write.call, { retries: 0 })).rejects.toBeInstanceOf(AnsweredError);
    expect(write.calls()).toBe(1);
  });

  it('waits out a short Retry-After a few times and throws a long one to the caller', async () => {
    const sut = new VendorRetryPolicy({ ...quick, maxRateLimitWaitMs: 50, rateLimitWaits: 2 });
    const short = scripted(new AnsweredError('slow', 429, 30), new AnsweredError('slow', 429, 30));
    const started = Date.now();
    await expect(sut.execute(short.call)).resolves.toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    const many = scripted(...Array.from({ length: 3 }, () => new AnsweredError('slow', 429, 1)));
    await expect(sut.execute(many.call)).rejects.toMatchObject({ status: 429 });
    expect(many.calls()).toBe(3);
    const long = scripted(new AnsweredError('slow', 429, 60_000));
    await expect(sut.execute(long.call)).rejects.toMatchObject({ retryAfterMs: 60_000 });
    expect(long.calls()).toBe(1);

    // No inline waits configured: even `Retry-After: 0` goes to the caller's own attempts.
    const none = scripted(new AnsweredError('slow', 429, 0));
    await expect(new VendorRetryPolicy(quick).execute(none.call)).rejects.toMatchObject({ status: 429 });
    expect(none.calls()).toBe(1);
  });

  it('opens the circuit after consecutive outages, fails fast while open, and closes after a good test call', async () => {
    const sut = new VendorRetryPolicy({ ...quick, breakAfter: 3, halfOpenAfterMs: 80 });
    const down = scripted(new DownError('a'), new DownError('b'), new DownError('c'));
    for (let i = 0; i < 3; i++) await expect(sut.execute(down.call)).rejects.toBeInstanceOf(DownError);
    expect(sut.open).toBe(true);

    const error = await sut.execute(down.call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorCircuitOpenError);
    expect((error as VendorCircuitOpenError).retryable).toBe(true);
    expect((error as VendorCircuitOpenError).retryAfterMs).toBeGreaterThan(0);
    expect((error as VendorCircuitOpenError).retryAfterMs).toBeLessThanOrEqual(80);
    expect((error as Error).message).toMatch(/^acme failed too many calls in a row/);
    expect(down.calls()).toBe(3); // not sent

    await new Promise((resolve) => setTimeout(resolve, 90));
    await expect(sut.execute(down.call)).resolves.toBe('ok');
    expect(sut.open).toBe(false);
  });

  it('counts neither rate limits nor refusals toward the circuit', async () => {
    const sut = new VendorRetryPolicy({ ...quick, breakAfter: 2 });
    const answers = scripted(
      new AnsweredError('no', 400),
      new AnsweredError('slow', 429, 60_000),
      new AnsweredError('no', 404),
      new AnsweredError('slow', 429, 60_000),
    );
    for (let i = 0; i < 4; i++) await expect(sut.execute(answers.call)).rejects.toBeInstanceOf(AnsweredError);
    expect(sut.open).toBe(false);
  });

  it('retrying forever, waits an open circuit out instead of throwing it', async () => {
    const kinds: string[] = [];
    const flaky = scripted(new DownError('a'), new DownError('b'), new DownError('c'));
    const sut = new VendorRetryPolicy({
      ...quick,
      retries: Infinity,
      breakAfter: 2,
      halfOpenAfterMs: 30,
      onRetry: ({ kind }) => kinds.push(kind),
    });
    await expect(sut.execute(flaky.call)).resolves.toBe('ok');
    expect(kinds).toContain('circuit open');
    expect(sut.open).toBe(false);
  });

  it('stops waiting when the signal aborts', async () => {
    const sut = new VendorRetryPolicy({
      vendor: 'acme',
      retries: Infinity,
      initialDelayMs: 10_000,
      maxDelayMs: 10_000,
    });
    const down = scripted(...Array.from({ length: 9 }, () => new DownError('reset')));
    const stop = new AbortController();
    const run = sut.execute(down.call, { signal: stop.signal });
    setTimeout(() => stop.abort(new Error('closing')), 20);
    const started = Date.now();
    await expect(run).rejects.toThrow('closing');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(down.calls()).toBe(1);
  });
});
