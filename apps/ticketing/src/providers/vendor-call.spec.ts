import { TicketRateLimitedError, TicketRejectedError, TicketUnavailableError } from './provider.errors.js';
import { VendorCaller, type VendorFailure } from './vendor-call.js';

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

describe(VendorCaller.name, () => {
  const jira = () => new VendorCaller('jira', options, classify);

  it('waits out short 429s inline and hands a long one to the retry tiers', async () => {
    const short = scripted(
      { status: 429, retryAfterMs: 10, message: 'slow' },
      { status: 429, retryAfterMs: 10, message: 'slow' },
    );
    await expect(jira().call('create', false, short.send)).resolves.toBe('ok');
    expect(short.calls()).toBe(3);
    const long = scripted({ status: 429, retryAfterMs: 60_000, message: 'slow' });
    const error = await jira()
      .call('create', false, long.send)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketRateLimitedError);
    expect((error as TicketRateLimitedError).retryAfterMs).toBe(60_000);
  });

  it('retries a 5xx inline only for safe calls; an unsafe one may have been applied', async () => {
    const safe = scripted({ status: 502, message: 'bad gateway' });
    await expect(jira().call('search', true, safe.send)).resolves.toBe('ok');
    const unsafe = scripted({ status: 502, message: 'bad gateway' });
    const error = await jira()
      .call('create', false, unsafe.send)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketUnavailableError);
    expect((error as TicketUnavailableError).maybeApplied).toBe(true);
    expect(unsafe.calls()).toBe(1);
  });

  it("turns any other 4xx into a final refusal with the vendor's message", async () => {
    const refused = scripted({ status: 400, message: 'project: valid project is required' });
    const error = await jira()
      .call('create issue', false, refused.send)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketRejectedError);
    expect((error as Error).message).toBe('jira create issue refused (HTTP 400): project: valid project is required');
  });

  it('stops calling a vendor that failed five times in a row: unavailable, not applied, not sent', async () => {
    const sut = jira();
    const down = scripted(...Array.from({ length: 6 }, () => ({ message: 'ECONNREFUSED' })));
    for (let i = 0; i < 5; i++) await expect(sut.call('create', false, down.send)).rejects.toThrow('ECONNREFUSED');
    const error = await sut.call('create', false, down.send).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketUnavailableError);
    expect((error as TicketUnavailableError).maybeApplied).toBe(false);
    expect((error as TicketUnavailableError).retryAfterMs).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/^jira create not sent: jira failed too many calls in a row/);
    expect(down.calls()).toBe(5);
  });
});
