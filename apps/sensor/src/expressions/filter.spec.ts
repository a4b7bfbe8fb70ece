import { createEvent } from '@hub/contracts';
import { parsePath } from './event-path.js';
import { InvalidPathError, InvalidRegexError } from './expression.errors.js';
import { compileFilter, compileRegex, type FilterOp, type FilterSpec, type Scalar } from './filter.js';

const event = createEvent({
  type: 'alert.firing',
  source: '/test',
  subject: 'ArgoCDApplicationUnhealthy',
  data: { labels: { slo: 'argocd-application-health', name: 'payments-api', shard: '5', empty: '' }, count: 5 },
});

const filter = (spec: { path: string; op: FilterOp; value?: Scalar }) =>
  compileFilter({ ...spec, path: parsePath(spec.path) } as FilterSpec);

describe(compileFilter.name, () => {
  it.each([
    [{ path: 'data.labels.slo', op: 'eq', value: 'argocd-application-health' }, true],
    [{ path: 'data.labels.slo', op: 'eq', value: 'other' }, false],
    [{ path: 'data.labels.missing', op: 'eq', value: '' }, false],
    [{ path: 'data.labels.shard', op: 'eq', value: 5 }, true],
    [{ path: 'data.count', op: 'eq', value: '5' }, true],
    [{ path: 'subject', op: 'eq', value: 'ArgoCDApplicationUnhealthy' }, true],
    [{ path: 'data.labels.slo', op: 'neq', value: 'other' }, true],
    [{ path: 'data.labels.slo', op: 'neq', value: 'argocd-application-health' }, false],
    [{ path: 'data.labels.missing', op: 'neq', value: 'x' }, true],
    [{ path: 'data.labels.name', op: 'regex', value: 'payments-.*' }, true],
    [{ path: 'data.labels.name', op: 'regex', value: 'payments' }, false],
    [{ path: 'data.labels.name', op: 'regex', value: 'pay|payments-api' }, true],
    [{ path: 'data.labels.missing', op: 'regex', value: '.*' }, false],
    [{ path: 'data.labels.name', op: 'exists' }, true],
    [{ path: 'data.labels.empty', op: 'exists' }, true],
    [{ path: 'data.labels.missing', op: 'exists' }, false],
    [{ path: 'data.labels.name.deeper', op: 'exists' }, false],
  ] as const)('%j → %s', (spec, expected) => {
    expect(filter(spec).matches(event)).toBe(expected);
  });

  it('describes itself for logs', () => {
    expect(filter({ path: 'data.labels.slo', op: 'eq', value: 'x' }).describe()).toBe('data.labels.slo eq "x"');
    expect(filter({ path: 'data.labels.slo', op: 'exists' }).describe()).toBe('data.labels.slo exists');
  });

  it('rejects a regular expression JavaScript cannot compile', () => {
    expect(() => compileRegex('(unclosed')).toThrow(InvalidRegexError);
  });
});

describe(parsePath.name, () => {
  it('reads words and quoted keys', () => {
    expect(parsePath('data.labels["app.kubernetes.io/name"].x').segments).toEqual([
      'data',
      'labels',
      'app.kubernetes.io/name',
      'x',
    ]);
  });

  it.each(['', 'data.', 'data..x', 'labels.name', 'data.labels[name]', 'data labels'])('rejects "%s"', (text) => {
    expect(() => parsePath(text)).toThrow(InvalidPathError);
  });
});
