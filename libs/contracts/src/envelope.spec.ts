import { cloudEventSchema, readEnvelope } from './envelope.js';

const valid = {
  incidentkey: 'alertmanager:abc',
  data: { status: 'firing', labels: { alertname: 'Down' } },
  type: 'alert.firing',
  id: 'e-1',
  specversion: '1.0',
  source: '/alertmanager',
  time: '2026-12-07T13:57:25.123Z',
  subject: 'checkout',
  datacontenttype: 'application/json',
  attempts: 3,
  replayed: false,
};

/** Variants of {@link valid}: each breaks (or keeps) one rule of the schema. */
const variants: [string, unknown][] = [
  ['valid', valid],
  ['minimal', { specversion: '1.0', id: 'x', source: 's', type: 'a.b' }],
  ['time with an offset', { ...valid, time: '2026-12-07T14:57:25+01:00' }],
  ['data null', { ...valid, data: null }],
  ['data_base64 instead of data', { ...valid, data: undefined, data_base64: 'aGk=' }],
  ['not an object', 'alert.firing'],
  ['null', null],
  ['an array', [valid]],
  ['specversion 0.3', { ...valid, specversion: '0.3' }],
  ['id empty', { ...valid, id: '' }],
  ['id too long', { ...valid, id: 'x'.repeat(257) }],
  ['id a number', { ...valid, id: 7 }],
  ['source missing', { ...valid, source: undefined }],
  ['source too long', { ...valid, source: 's'.repeat(1025) }],
  ['type without a dot', { ...valid, type: 'alert' }],
  ['type upper case', { ...valid, type: 'Alert.Firing' }],
  ['time without an offset', { ...valid, time: '2026-12-07T13:57:25' }],
  ['time not a date', { ...valid, time: 'yesterday' }],
  ['subject too long', { ...valid, subject: 's'.repeat(1025) }],
  ['subject a number', { ...valid, subject: 1 }],
  ['dataschema an object', { ...valid, dataschema: {} }],
  ['data and data_base64', { ...valid, data_base64: 'aGk=' }],
  ['extension with an upper-case name', { ...valid, incidentKey: 'k' }],
  ['extension name too long', { ...valid, abcdefghijklmnopqrstu: 'k' }],
  ['extension an object', { ...valid, labels: { a: 'b' } }],
  ['extension null', { ...valid, tracestate: null }],
  ['__proto__ attribute', JSON.parse('{"specversion":"1.0","id":"x","source":"s","type":"a.b","__proto__":{"x":1}}')],
];

describe(readEnvelope.name, () => {
  it.each(variants)('agrees with cloudEventSchema: %s', (_, input) => {
    const json: unknown = JSON.parse(JSON.stringify(input) ?? 'null');
    const schema = cloudEventSchema.safeParse(json);
    const fast = readEnvelope(json);
    // Undefined leaves the envelope to the schema: always right. Never an envelope the schema refuses.
    if (fast !== undefined) {
      expect(schema.success).toBe(true);
      expect(fast).toStrictEqual(schema.data);
      expect(Object.keys(fast)).toEqual(Object.keys(schema.data!));
    }
  });

  it('reads the valid variants without the schema, and leaves the refused ones to it', () => {
    const read = variants.filter(
      ([, input]) => readEnvelope(JSON.parse(JSON.stringify(input) ?? 'null')) !== undefined,
    );
    expect(read.map(([name]) => name)).toEqual(variants.slice(0, 5).map(([name]) => name));
  });
});
