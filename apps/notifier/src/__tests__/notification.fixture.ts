import { type Notification } from '../notification.js';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A notification of the S1 example incident, as a channel receives it. */
export function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    eventId: 'e-1',
    time: '2025-01-01T12:00:00.000Z',
    traceId: TRACE_ID,
    incidentKey: 'fp-123',
    incidentId: 'inc-1',
    sequence: 2,
    state: 'remediating',
    title: 'ArgoCD application payments-api is unhealthy',
    text: 'Syncing payments-api <now> & then checking',
    severity: 'critical',
    fields: { app: 'payments-api', namespace: 'payments' },
    links: [{ title: 'Argo CD', url: 'https://argocd.example/applications/payments-api' }],
    route: 'default',
    kind: 'incident',
    mention: false,
    ...overrides,
  };
}
