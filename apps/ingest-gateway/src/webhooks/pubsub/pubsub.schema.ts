import { z } from 'zod';

/** A Pub/Sub push request (the wrapped, JSON format): one message of one subscription. */
export const pubSubPushSchema = z.object({
  message: z.object({
    /** The payload, base64; absent for a message with attributes only. */
    data: z.base64({ error: 'must be base64' }).optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    messageId: z.string().min(1).max(256),
    publishTime: z.iso.datetime({ offset: true }).optional(),
    orderingKey: z.string().optional(),
  }),
  subscription: z.string().min(1),
  deliveryAttempt: z.number().int().optional(),
});

export type PubSubPush = z.output<typeof pubSubPushSchema>;
