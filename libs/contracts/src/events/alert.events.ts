import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());

/** One Alertmanager alert, as the gateway normalises it (one event per alert). */
export const alertDataSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  fingerprint: z.string().min(1),
  labels: stringMap,
  annotations: stringMap,
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  groupKey: z.string().optional(),
  receiver: z.string().optional(),
  externalURL: z.string().optional(),
});

export type AlertData = z.infer<typeof alertDataSchema>;
