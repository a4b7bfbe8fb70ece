import { z } from 'zod';

/** The type of the event Event Grid sends (Event Grid schema) to check a new subscription's endpoint. */
export const SUBSCRIPTION_VALIDATION = 'Microsoft.EventGrid.SubscriptionValidationEvent';

/** Most events one delivery may carry (Event Grid's own batch limit). */
export const MAX_EVENT_GRID_BATCH = 5_000;

const id = z.string().min(1).max(256);

/** An event in the Event Grid schema. */
export const eventGridEventSchema = z.object({
  id,
  topic: z.string().optional(),
  subject: z.string().optional(),
  eventType: z.string().min(1),
  eventTime: z.iso.datetime({ offset: true }).optional(),
  data: z.unknown().optional(),
  dataVersion: z.string().optional(),
});

/** An event in the CloudEvents 1.0 schema, as Event Grid delivers it. */
export const eventGridCloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id,
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().optional(),
  time: z.iso.datetime({ offset: true }).optional(),
  data: z.unknown().optional(),
});

/** A delivery: a batch (array) of either schema, or one CloudEvent. */
export const eventGridDeliverySchema = z.union([
  z
    .array(z.union([eventGridCloudEventSchema, eventGridEventSchema]))
    .min(1)
    .max(MAX_EVENT_GRID_BATCH),
  eventGridCloudEventSchema,
]);

export type EventGridEvent = z.output<typeof eventGridEventSchema>;
export type EventGridCloudEvent = z.output<typeof eventGridCloudEventSchema>;
