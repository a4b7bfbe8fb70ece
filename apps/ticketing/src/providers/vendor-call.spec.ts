import { TicketRateLimitedError, TicketRejectedError, TicketUnavailableError } from './provider.errors.js';
import { callVendor, type VendorFailure } from './vendor-call.js';

const options = { retries: 2, maxRateLimitWaitMs: 50 };

/** A send that fails with each of `failures` in turn, then answers 'ok'. */
function scripted(...failures: VendorFailure[]) {
  let calls = 0;
  const send = () => {
    const failure = failures[calls++];
    return failure ? Promise.reject(Object.assign(new Error(failure.message), { failure })) : Promise.resolve('ok');
  };
  return { send, calls: () => calls };
}
const classify = (error: unknown) => (error as { failure: VendorFailure }).failure;

describe(callVendor.name, () => {
  it('waits out short 429s inline and hands a long one to the retry tiers', async () => {
    const short = scripted(
      { status: 429, retryAfterMs: 10, message: 'slow' },
      { status: 429, retryAfterMs: 10, message: 'slow' },
    );
    await expect(callVendor('jira', 'create', false, options, short.send, classify)).resolves.toBe('ok');
    expect(short.calls()).toBe(3);
    const long = scripted({ status: 429, retryAfterMs: 60_000, message: 'slow' });
    const error = await callVendor('jira', 'create', false, options, long.send, classify).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketRateLimitedError);
    expect((error as TicketRateLimitedError).retryAfterMs).toBe(60_000);
  });

  it('retries a 5xx inline only for safe calls; an unsafe one may have been applied', async () => {
    const safe = scripted({ status: 502, message: 'bad gateway' });
    await expect(callVendor('jira', 'search', true, options, safe.send, classify)).resolves.toBe('ok');
    const unsafe = scripted({ status: 502, message: 'bad gateway' });
    const error = await callVendor('jira', 'create', false, options, unsafe.send, classify).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketUnavailableError);
    expect((error as TicketUnavailableError).maybeApplied).toBe(true);
    expect(unsafe.calls()).toBe(1);
  });

  it("turns any other 4xx into a final refusal with the vendor's message", async () => {
    const refused = scripted({ status: 400, message: 'project: valid project is required' });
    const error = await callVendor('jira', 'create issue', false, options, refused.send, classify).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TicketRejectedError);
    expect((error as Error).message).toBe('jira create issue refused (HTTP 400): project: valid project is required');
  });
});
