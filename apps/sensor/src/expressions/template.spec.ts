import { createEvent } from '@hub/contracts';
import { InvalidTemplateError, TemplateValueMissingError } from './expression.errors.js';
import { renderParams, Template } from './template.js';

const event = createEvent({
  type: 'alert.firing',
  source: '/test',
  subject: 'ArgoCDApplicationUnhealthy',
  incidentkey: 'fp-1',
  data: {
    fingerprint: 'fp-1',
    labels: { name: 'payments-api', dest_namespace: 'payments', sneaky: '{{ data.labels.secret }}', secret: 's3cret' },
    annotations: { 'app.kubernetes.io/name': 'payments' },
    replicas: 3,
    nested: { a: 1 },
  },
});

describe(Template.name, () => {
  it('fills placeholders from the envelope and its data', () => {
    const sut = Template.compile('{{ subject }} — {{data.labels.name}} in {{ data.labels.dest_namespace }}');
    expect(sut.render(event)).toBe('ArgoCDApplicationUnhealthy — payments-api in payments');
    expect(Template.compile('{{ incidentkey }}').render(event)).toBe('fp-1');
    expect(Template.compile('x{{ data.replicas }}').render(event)).toBe('x3');
    expect(Template.compile('{{ data.annotations["app.kubernetes.io/name"] }}').render(event)).toBe('payments');
  });

  it('keeps a text without placeholders as it is', () => {
    expect(Template.compile('plain text').render(event)).toBe('plain text');
    expect(Template.compile('').render(event)).toBe('');
  });

  it('is strict: a missing value is an error naming every missing path, never an empty string', () => {
    const sut = Template.compile('{{ data.labels.nope }}/{{ data.labels.name }}/{{ data.missing.deeper }}');
    expect(() => sut.render(event)).toThrow(TemplateValueMissingError);
    expect(() => sut.render(event)).toThrow('data.labels.nope is missing; data.missing.deeper is missing');
  });

  it('refuses an object where it needs a single value', () => {
    expect(() => Template.compile('{{ data.nested }}').render(event)).toThrow('data.nested is not a single value');
  });

  it('treats values as data: a label that looks like a template stays literal', () => {
    expect(Template.compile('{{ data.labels.sneaky }}').render(event)).toBe('{{ data.labels.secret }}');
  });

  it('does not reach into prototypes', () => {
    expect(() => Template.compile('{{ data.labels.constructor }}').render(event)).toThrow('is missing');
    expect(() => Template.compile('{{ data.__proto__ }}').render(event)).toThrow('is missing');
  });

  it.each([
    ['{{ data.labels.name', 'unmatched'],
    ['data.labels.name }}', 'unmatched'],
    ['{{ }}', 'path is empty'],
    ['{{ labels.name }}', 'must start with one of'],
    ['{{ data..name }}', 'malformed'],
    ['{{ data.labels.name | shout }}', 'is not a helper'],
  ])('rejects %s at compile time', (source, message) => {
    expect(() => Template.compile(source)).toThrow(InvalidTemplateError);
    expect(() => Template.compile(source)).toThrow(message);
  });
});

describe(renderParams.name, () => {
  it('renders strings in nested params and keeps other values', () => {
    const params = {
      name: Template.compile('{{ data.labels.name }}'),
      options: { prune: false, retries: 2, tags: [Template.compile('ns={{ data.labels.dest_namespace }}'), null] },
    };
    expect(renderParams(params, event)).toEqual({
      name: 'payments-api',
      options: { prune: false, retries: 2, tags: ['ns=payments', null] },
    });
  });
});

describe('template helpers', () => {
  const event = {
    data: { labels: { name: 'Payments-API', evil: '{{ data.labels.name }}', empty: '' }, obj: { a: 1 }, n: 5 },
  };
  it.each([
    ['{{ data.labels.name | lower }}', 'payments-api'],
    ['{{ data.labels.name | upper }}', 'PAYMENTS-API'],
    ['{{ data.labels.missing | default "none" }}', 'none'],
    ['{{ data.labels.empty | default "none" }}', 'none'],
    ['{{ data.labels.missing | default "X" | lower }}', 'x'],
    ['{{ data.obj | json }}', '{"a":1}'],
    ['{{ data.labels.name | truncate 8 }}', 'Payment…'],
    ['{{ data.n | truncate 8 }}', '5'],
    ['{{ data.labels.evil | upper }}', '{{ DATA.LABELS.NAME }}'],
  ])('%s → %s', (source, expected) => {
    expect(Template.compile(source).render(event)).toBe(expected);
  });

  it('rejects unknown helpers and bad arguments at load time, and still wants a value without default', () => {
    expect(() => Template.compile('{{ data.x | shout }}')).toThrow(/is not a helper/);
    expect(() => Template.compile('{{ data.x | truncate many }}')).toThrow(/JSON argument/);
    expect(() => Template.compile('{{ data.x | truncate 0 }}')).toThrow(/positive whole number/);
    expect(() => Template.compile('{{ data.x | lower 1 }}')).toThrow(/takes no argument/);
    expect(() => Template.compile('{{ data.labels.missing | lower }}').render(event)).toThrow(/missing/);
    expect(() => Template.compile('{{ data.obj | lower }}').render(event)).toThrow(/not a single value/);
  });
});
