import { CLOUDEVENTS_BATCH_JSON, CLOUDEVENTS_JSON, type HubEvent } from '@hub/contracts';
import { BatchTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors/gateway.errors.js';
import { isJsonMediaType, JSON_TYPE, mediaTypeOf, TEXT_TYPE } from '../http/content-types.js';
import { type Candidate, type IngestPolicy, toHubEvents } from './cloud-event.validator.js';

const BINARY_DATA_TYPES = `${JSON_TYPE} or ${TEXT_TYPE}`;

/** Most events one batch request may carry. */
export const MAX_BATCH_SIZE = 100;

/** The parts of an HTTP request that carry CloudEvents. */
export interface CloudEventsRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as the content-type parsers left it: JSON value, text, or undefined. */
  readonly body: unknown;
}

/**
 * Reads the CloudEvents of a request in any mode of the HTTP binding (CloudEvents 1.0):
 * structured (`application/cloudevents+json`, the body is the event), batch
 * (`application/cloudevents-batch+json`, an array of events) or binary (`ce-*` headers hold the
 * attributes, the body is `data`, its content type `datacontenttype`). Then validates them all.
 */
export function parseCloudEvents(
  request: CloudEventsRequest,
  policy: IngestPolicy,
  maxBatchSize = MAX_BATCH_SIZE,
): HubEvent[] {
  return toHubEvents(readCandidates(request, maxBatchSize), policy);
}

function readCandidates(request: CloudEventsRequest, maxBatchSize: number): Candidate[] {
  const contentType = header(request.headers, 'content-type');
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === CLOUDEVENTS_JSON) {
    return [{ value: request.body, path: [] }];
  }
  if (mediaType === CLOUDEVENTS_BATCH_JSON) {
    if (!Array.isArray(request.body)) {
      throw new ValidationError('A CloudEvents batch is a JSON array of events', [
        { path: '(body)', problem: 'must be an array of events' },
      ]);
    }
    if (request.body.length === 0) {
      throw new ValidationError('The batch is empty', [{ path: '(body)', problem: 'must hold at least one event' }]);
    }
    if (request.body.length > maxBatchSize) {
      throw new BatchTooLargeError(
        `A batch holds at most ${maxBatchSize} events, this one ${request.body.length}: split it`,
        { size: request.body.length, maxBatchSize },
      );
    }
    return request.body.map((value: unknown, index) => ({ value, path: [index] }));
  }
  if (header(request.headers, 'ce-specversion') !== undefined) {
    return [{ value: fromBinaryMode(request, contentType, mediaType), path: [] }];
  }
  throw new UnsupportedMediaTypeError(
    `Send CloudEvents as ${CLOUDEVENTS_JSON} (one event), ${CLOUDEVENTS_BATCH_JSON} (an array), or in binary ` +
      `mode (ce-specversion, ce-id, ce-source and ce-type headers, data of ${BINARY_DATA_TYPES}); ` +
      `got "${contentType ?? '(no content type)'}" without ce-* headers`,
  );
}

function fromBinaryMode(
  request: CloudEventsRequest,
  contentType: string | undefined,
  mediaType: string | undefined,
): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('ce-') && value !== undefined) {
      event[lower.slice(3)] = percentDecode(Array.isArray(value) ? value.join(',') : value);
    }
  }
  if (request.body !== undefined) {
    if (!isJsonMediaType(mediaType) && mediaType !== TEXT_TYPE) {
      throw new UnsupportedMediaTypeError(`Binary-mode data must be ${BINARY_DATA_TYPES}, not "${contentType}"`);
    }
    event.data = request.body;
    event.datacontenttype = contentType;
  }
  return event;
}

/** Header values are percent-encoded outside printable ASCII (CloudEvents HTTP binding, 3.1.3.2). */
function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function header(headers: CloudEventsRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
