import { type FakeFault } from '@hub/testing';
import { type Scenario } from '../scenario.js';

export type VendorFaultKind = '5xx' | '429' | 'hang';

const FAULTS: Record<VendorFaultKind, { fault: FakeFault; what: string }> = {
  '5xx': {
    fault: { status: 503, body: { ok: false, error: 'service_unavailable', code: 14, message: 'unavailable' } },
    what: 'answers 503',
  },
  '429': {
    fault: {
      status: 429,
      headers: { 'retry-after': '2' },
      body: { ok: false, error: 'ratelimited', code: 8, message: 'rate limited' },
    },
    what: 'answers 429 with Retry-After: 2',
  },
  hang: { fault: 'hang', what: 'takes requests and never answers (their connections are dropped at the end)' },
};

/** Every vendor fake (Argo CD, Slack, JIRA) faulted at once for `holdMs`; nothing it refuses takes effect. */
export function vendorFault(kind: VendorFaultKind, holdMs: number): Scenario {
  const { fault, what } = FAULTS[kind];
  return {
    name: `vendors ${kind}`,
    description: `every vendor fake (Argo CD, Slack, JIRA) ${what} for ${holdMs / 1000} s`,
    holdMs,
    inject({ hub }) {
      for (const fake of hub.fakes.all) fake.fault(fault);
    },
    heal({ hub }) {
      for (const fake of hub.fakes.all) fake.fault();
    },
  };
}
