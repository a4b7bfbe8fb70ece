import { z } from 'zod';

const stringMap = z.record(z.string(), z.string({ error: 'must be a string' }));
const alertStatus = z.enum(['firing', 'resolved'], { error: 'must be "firing" or "resolved"' });

/** One alert of an Alertmanager webhook (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const alertmanagerAlertSchema = z.object({
  status: alertStatus,
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: z.string().min(1),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

/**
 * The webhook payload Alertmanager posts, version 4. Unknown fields are ignored so that a newer
 * Alertmanager that adds some still gets through; the version is checked because a new version
 * may change the meaning of the known ones.
 */
export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4', { error: 'must be "4" (the Alertmanager webhook payload version this gateway reads)' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: alertStatus,
  receiver: z.string().min(1),
  groupLabels: stringMap.default({}),
  commonLabels: stringMap.default({}),
  commonAnnotations: stringMap.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(alertmanagerAlertSchema).min(1, { error: 'must hold at least one alert' }),
});

export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
