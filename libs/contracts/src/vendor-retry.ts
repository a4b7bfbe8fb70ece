import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  halfJitterGenerator,
  handleType,
  handleWhen,
  type IBackoff,
  type IRetryBackoffContext,
  retry,
  type RetryPolicy,
} from 'cockatiel';
import { hubError, isHubError } from './hub.error.js';

/**
 * What a failed vendor call means for the next one: `rate-limited` (the vendor refused it for now
 * and said, or implied, when to come back: always safe to repeat), `unavailable` (no answer, a
 * timeout, a 5xx: the vendor is in trouble, and the call may have taken effect), `final` (another
 * attempt would fail the same way).
 */
export interface VendorFailureVerdict {
  readonly kind: 'rate-limited' | 'unavailable' | 'final';
  /** How long the vendor asked to wait (`Retry-After`), when it did. */
  readonly retryAfterMs?: number;
}

/**
 * The verdict on an error of the hub's vendor error family: 429 (and a 503 with `Retry-After`) is
 * rate-limited; no answer (an `outage` class: {@link vendorUnreachableError},
 * {@link vendorUnavailableError}), a 5xx or a 408 is unavailable; anything else is final here —
 * a 4xx, a conflict or "operation in progress" that the caller's own retries may still repeat (its
 * `retryable` is untouched), but that says nothing about the vendor's health. Untyped errors are final.
 */
export function vendorVerdict(error: unknown): VendorFailureVerdict {
  if (!isHubError(error) || !error.retryable) return { kind: 'final' };
  const { status, retryAfterMs, outage } = error as { status?: unknown; retryAfterMs?: unknown; outage?: unknown };
  const after = typeof retryAfterMs === 'number' ? retryAfterMs : undefined;
  if (status === 429 || (status === 503 && after !== undefined)) return { kind: 'rate-limited', retryAfterMs: after };
  const down = outage === true || status === 408 || (typeof status === 'number' && status >= 500);
  if (!down) return { kind: 'final' };
  return after === undefined ? { kind: 'unavailable' } : { kind: 'unavailable', retryAfterMs: after };
}

export enum VendorRetryErrorCode {
  CircuitOpen = 'VENDOR_CIRCUIT_OPEN',
}

/**
 * The vendor failed so many calls in a row that its circuit is open: this call was not sent. The
 * vendor gets one test call after `retryAfterMs`; until then every call fails as fast as this one.
 */
export class VendorCircuitOpenError extends hubError(VendorRetryErrorCode.CircuitOpen, { retryable: true }) {
  constructor(
    readonly vendor: string,
    readonly retryAfterMs: number,
  ) {
    super(`${vendor} failed too many calls in a row: not calling it for ${retryAfterMs} ms (circuit open)`, {
      vendor,
      retryAfterMs,
    });
  }
}

/** One vendor's retry policy and circuit (see {@link VendorRetryPolicy}). */
export interface VendorRetryOptions {
  /** The vendor, in the circuit's error. */
  readonly vendor: string;
  /**
   * Inline retries of `unavailable` failures (default 0: the caller's retry tiers repeat it);
   * `Infinity` retries until the call succeeds, fails for good or the signal aborts.
   */
  readonly retries?: number;
  /** First back-off (default 500 ms); each next one doubles, jittered to [½, 1) of it. */
  readonly initialDelayMs?: number;
  /** Longest back-off (default 2 s); a longer `Retry-After` of an unavailable vendor is capped to it. */
  readonly maxDelayMs?: number;
  /** Rate limits waited out inline (default 3 with `maxRateLimitWaitMs`, else none); the next one is thrown. */
  readonly rateLimitWaits?: number;
  /** Longest rate-limit wait inline (default 0: none); a longer `Retry-After` is thrown to the caller. */
  readonly maxRateLimitWaitMs?: number;
  /** A rate limit without `Retry-After` waits this long (default 1 s). */
  readonly defaultRateLimitMs?: number;
  /** Consecutive `unavailable` failures that open the circuit (default 5); 0: no circuit. */
  readonly breakAfter?: number;
  /** How long an open circuit fails calls fast before one call may test the vendor (default 5 s: short enough that a vendor back after a blip is used again within seconds). */
  readonly halfOpenAfterMs?: number;
  /** How a failure counts (default {@link vendorVerdict}: the hub's vendor error family). */
  readonly classify?: (error: unknown) => VendorFailureVerdict;
  /** Before each inline wait: the attempt that failed (1-based), the wait, the failure. */
  readonly onRetry?: (retry: { attempt: number; delayMs: number; error: unknown; kind: string }) => void;
}

/** Per-call overrides of {@link VendorRetryPolicy.execute}. */
export interface VendorCallSettings {
  /** Inline retries of `unavailable` failures for this call (a write that may have been applied: 0). */
  readonly retries?: number;
  /** Stops the waits (and so the call) early: rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** A failure cockatiel is to retry after `delayMs` (the only error its retry policy handles). */
class RetryLater {
  constructor(
    readonly error: unknown,
    readonly delayMs: number,
  ) {}
}

/** What one `execute` has spent of its budget, and its back-off so far (jittered, exponential). */
interface CallBudget {
  readonly retries: number;
  waits: number;
  retried: number;
  backoff?: IBackoff<unknown>;
}

/**
 * The one retry policy for vendor calls, on `cockatiel`: a rate limit (429, `Retry-After`) is
 * waited out inline when short, else thrown to the caller (whose retry tiers honour it); an
 * unavailable vendor is retried inline up to `retries` times with a jittered exponential back-off;
 * a final failure is thrown at once. Consecutive unavailable failures open the vendor's circuit:
 * while it is open, calls fail fast with {@link VendorCircuitOpenError} (not sent), and after
 * `halfOpenAfterMs` one call tests the vendor and closes the circuit again when it succeeds. A
 * policy that retries forever waits an open circuit out; any other throws it at once.
 *
 * One policy per vendor and process (a client's or provider's field), so its circuit sees every
 * call to that vendor.
 */
export class VendorRetryPolicy {
  private readonly circuit?: CircuitBreakerPolicy;
  private readonly loop: RetryPolicy;
  private readonly classify: (error: unknown) => VendorFailureVerdict;
  private readonly settings: Required<Omit<VendorRetryOptions, 'classify' | 'onRetry' | 'vendor'>>;
  private readonly jitter: ExponentialBackoff<number>;
  private openedAt = 0;

  constructor(private readonly options: VendorRetryOptions) {
    this.settings = {
      retries: options.retries ?? 0,
      initialDelayMs: options.initialDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 2_000,
      rateLimitWaits: options.rateLimitWaits ?? (options.maxRateLimitWaitMs === undefined ? 0 : 3),
      maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 0,
      defaultRateLimitMs: options.defaultRateLimitMs ?? 1_000,
      breakAfter: options.breakAfter ?? 5,
      halfOpenAfterMs: options.halfOpenAfterMs ?? 5_000,
    };
    this.classify = options.classify ?? vendorVerdict;
    this.jitter = new ExponentialBackoff({
      initialDelay: this.settings.initialDelayMs,
      maxDelay: this.settings.maxDelayMs,
      generator: halfJitterGenerator,
    });
    if (this.settings.breakAfter > 0) {
      this.circuit = circuitBreaker(
        handleWhen((error) => this.classify(error).kind === 'unavailable'),
        { halfOpenAfter: this.settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(this.settings.breakAfter) },
      );
      this.circuit.onBreak(() => (this.openedAt = Date.now()));
    }
    this.loop = retry(handleType(RetryLater), {
      maxAttempts: Infinity,
      backoff: new DelegateBackoff(({ result }: IRetryBackoffContext<unknown>) =>
        'error' in result && result.error instanceof RetryLater ? result.error.delayMs : 0,
      ),
    }).dangerouslyUnref();
  }

  /** The vendor in this policy's errors. */
  get vendor(): string {
    return this.options.vendor;
  }

  /** True while the circuit fails calls fast. */
  get open(): boolean {
    return this.circuit?.state === CircuitState.Open;
  }

  /**
   * Runs `call` (given the attempt, 1-based) under the policy; resolves to its result or rejects
   * with the failure that ended the tries — the call's own error, or {@link VendorCircuitOpenError}.
   */
  async execute<T>(call: (attempt: number) => Promise<T>, settings: VendorCallSettings = {}): Promise<T> {
    const { signal } = settings;
    const budget: CallBudget = { retries: settings.retries ?? this.settings.retries, waits: 0, retried: 0 };
    const attempt = async ({ attempt: retried }: { attempt: number }): Promise<T> => {
      signal?.throwIfAborted();
      try {
        return this.circuit ? await this.circuit.execute(() => call(retried + 1)) : await call(retried + 1);
      } catch (error) {
        throw this.next(this.asCircuitError(error), budget, retried + 1);
      }
    };
    const run = this.loop.execute(attempt).catch((error: unknown) => {
      throw error instanceof RetryLater ? error.error : error;
    });
    return signal ? abortable(run, signal) : run;
  }

  /** The failure to throw, or a {@link RetryLater} when the budget allows another attempt. */
  private next(error: unknown, budget: CallBudget, attempt: number): unknown {
    const { settings } = this;
    if (error instanceof VendorCircuitOpenError) {
      if (budget.retries !== Infinity) return error;
      return this.later(error, attempt, 'circuit open', Math.min(settings.maxDelayMs, error.retryAfterMs));
    }
    const verdict = this.classify(error);
    if (verdict.kind === 'rate-limited') {
      const waitMs = verdict.retryAfterMs ?? settings.defaultRateLimitMs;
      if (waitMs > settings.maxRateLimitWaitMs || budget.waits >= settings.rateLimitWaits) return error;
      budget.waits++;
      return this.later(error, attempt, verdict.kind, waitMs);
    }
    if (verdict.kind === 'final' || budget.retried >= budget.retries) return error;
    budget.retried++;
    budget.backoff = (budget.backoff ?? this.jitter).next(undefined);
    const delayMs = Math.min(settings.maxDelayMs, Math.max(verdict.retryAfterMs ?? 0, budget.backoff.duration));
    return this.later(error, attempt, verdict.kind, delayMs);
  }

  private later(error: unknown, attempt: number, kind: string, delayMs: number): RetryLater {
    this.options.onRetry?.({ attempt, delayMs, error, kind });
    return new RetryLater(error, delayMs);
  }

  private asCircuitError(error: unknown): unknown {
    if (!(error instanceof BrokenCircuitError)) return error;
    const left = Math.max(0, this.openedAt + this.settings.halfOpenAfterMs - Date.now());
    return new VendorCircuitOpenError(this.options.vendor, left);
  }
}

/** `promise`, or the signal's reason as soon as it aborts (the policy's pending wait is unref'd). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
