import { CLOUDEVENTS_BATCH_JSON, CLOUDEVENTS_JSON, cloudEventSchema } from '@hub/contracts';
import {
  BatchTooLargeError,
  type Problem,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors/gateway.errors.js';
import { EventTypePolicy } from '../auth/event-type.policy.js';
import { type CloudEventsRequest, parseCloudEvents } from './cloud-event.parser.js';
import { type IngestPolicy } from './cloud-event.validator.js';

const NOW = new Date('2025-11-20T10:00:00.000Z');
const policy: IngestPolicy = {
  hubsource: 'backstage',
  acceptExternal: true,
  types: new EventTypePolicy(),
  now: () => NOW,
};

const provisioning = {
  specversion: '1.0',
  id: 'req-42',
  source: '/backstage/scaffolder',
  type: 'provisioning.requested',
  data: { appName: 'payments-api', repositoryUrl: 'https://git.example.com/payments/api', ownerTeam: 'payments' },
};

function structured(body: unknown): CloudEventsRequest {
  return { headers: { 'content-type': CLOUDEVENTS_JSON }, body };
}

function batch(body: unknown): CloudEventsRequest {
  return { headers: { 'content-type': `${CLOUDEVENTS_BATCH_JSON}; charset=utf-8` }, body };
}

function problems(request: CloudEventsRequest, given: IngestPolicy = policy): Problem[] {
  try {
    parseCloudEvents(request, given);
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe(parseCloudEvents.name, () => {
  describe('structured mode', () => {
    it('keeps the sender id, sets time and hubsource, and yields a valid envelope', () => {
      const [event, ...rest] = parseCloudEvents(structured({ ...provisioning, hubsource: 'spoofed' }), policy);
      expect(rest).toHaveLength(0);
      expect(event).toMatchObject({
        id: 'req-42',
        type: 'provisioning.requested',
        source: '/backstage/scaffolder',
        time: NOW.toISOString(),
        datacontenttype: 'application/json',
        hubsource: 'backstage',
        data: provisioning.data,
      });
      expect(cloudEventSchema.safeParse(event).success).toBe(true);
    });

    it('keeps the time and extensions the sender set', () => {
      const time = '2025-11-19T08:00:00+01:00';
      const [event] = parseCloudEvents(structured({ ...provisioning, time, correlationid: 'c-1' }), policy);
      expect(event).toMatchObject({ time, correlationid: 'c-1' });
    });

    it('names every bad attribute of the envelope', () => {
      const body = { ...provisioning, specversion: '0.3', id: '', BadExt: 'x' };
      expect(
        problems(structured(body))
          .map((p) => p.path)
          .sort(),
      ).toEqual(['BadExt', 'id', 'specversion']);
    });

    it('rejects a body that is not an object', () => {
      expect(problems(structured([provisioning]))).toEqual([{ path: '(body)', problem: expect.any(String) }]);
    });
  });

  describe('catalog', () => {
    it('rejects a type the catalog does not know, naming the known ones', () => {
      const [problem] = problems(structured({ ...provisioning, type: 'pizza.ordered' }));
      expect(problem).toEqual({ path: 'type', problem: expect.stringContaining('not in the event catalog') });
      expect(problem?.problem).toContain('alert.firing');
    });

    it('checks data against the schema of the type', () => {
      const data = { appName: 'Payments_API', repositoryUrl: 'not a url' };
      expect(problems(structured({ ...provisioning, data })).map((p) => p.path)).toEqual([
        'data.appName',
        'data.repositoryUrl',
        'data.ownerTeam',
      ]);
    });

    it('accepts external.* with any data only when allowed', () => {
      const external = { ...provisioning, type: 'external.github.push', data: 'anything' };
      expect(parseCloudEvents(structured(external), policy)).toHaveLength(1);
      expect(problems(structured(external), { ...policy, acceptExternal: false })).toEqual([
        { path: 'type', problem: expect.stringContaining('HUB_ACCEPT_EXTERNAL_EVENTS') },
      ]);
    });

    it('refuses binary data for a catalog type', () => {
      const { data: _data, ...rest } = provisioning;
      expect(problems(structured({ ...rest, data_base64: 'e30=' }))[0]?.path).toBe('data_base64');
    });
  });

  describe('batch mode', () => {
    it('reads every event of the array', () => {
      const events = parseCloudEvents(batch([provisioning, { ...provisioning, id: 'req-43' }]), policy);
      expect(events.map((e) => e.id)).toEqual(['req-42', 'req-43']);
    });

    it('rejects the whole batch, naming each problem with its index', () => {
      const body = [
        provisioning,
        { ...provisioning, id: 'req-2', type: 'pizza.ordered' },
        { ...provisioning, id: 'req-3', data: { ...provisioning.data, ownerTeam: '' } },
        provisioning,
      ];
      expect(problems(batch(body)).map((p) => p.path)).toEqual(['1.type', '2.data.ownerTeam', '3.id']);
    });

    it('rejects an empty batch, a non-array, and too many events', () => {
      expect(problems(batch([]))).toEqual([{ path: '(body)', problem: 'must hold at least one event' }]);
      expect(problems(batch(provisioning))).toEqual([{ path: '(body)', problem: 'must be an array of events' }]);
      const many = Array.from({ length: 3 }, (_, i) => ({ ...provisioning, id: `r-${i}` }));
      expect(() => parseCloudEvents(batch(many), policy, 2)).toThrow(BatchTooLargeError);
    });
  });

  describe('binary mode', () => {
    const ceHeaders = {
      'ce-specversion': '1.0',
      'ce-id': 'bin-1',
      'ce-source': '/ci/pipeline',
      'ce-type': 'deployment.completed',
    };

    it('takes the attributes from ce-* headers and JSON data from the body', () => {
      const [event] = parseCloudEvents(
        {
          headers: {
            ...ceHeaders,
            'content-type': 'application/json',
            'ce-subject': 'payments%20api',
            'ce-correlationid': 'c9',
          },
          body: { app: 'payments-api', environment: 'prod' },
        },
        policy,
      );
      expect(event).toMatchObject({
        id: 'bin-1',
        source: '/ci/pipeline',
        type: 'deployment.completed',
        subject: 'payments api',
        correlationid: 'c9',
        datacontenttype: 'application/json',
        data: { app: 'payments-api', environment: 'prod' },
        hubsource: 'backstage',
      });
    });

    it('takes text data with its content type', () => {
      const [event] = parseCloudEvents(
        {
          headers: { ...ceHeaders, 'ce-type': 'external.ci.log', 'content-type': 'text/plain; charset=utf-8' },
          body: 'build 17 finished',
        },
        policy,
      );
      expect(event).toMatchObject({ data: 'build 17 finished', datacontenttype: 'text/plain; charset=utf-8' });
    });

    it('names the missing attributes', () => {
      const { 'ce-type': _type, ...headers } = ceHeaders;
      const request = { headers: { ...headers, 'content-type': 'application/json' }, body: {} };
      expect(problems(request).map((p) => p.path)).toEqual(['type']);
    });

    it('refuses a JSON body that has neither ce-* headers nor a CloudEvents content type', () => {
      const request = { headers: { 'content-type': 'application/json' }, body: provisioning };
      expect(() => parseCloudEvents(request, policy)).toThrow(UnsupportedMediaTypeError);
    });
  });
});
