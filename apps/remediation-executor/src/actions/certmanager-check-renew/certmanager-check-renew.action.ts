import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type KubernetesClient, type KubernetesObject } from '../externalsecret-refresh/kubernetes.client.js';
import { KubernetesConflictError, KubernetesRequestError } from '../externalsecret-refresh/kubernetes.errors.js';
import { daysBetween } from '../params.js';
import {
  CERTIFICATES,
  CERTMANAGER_CHECK_RENEW_KIND,
  certificateCheckParamsOf,
  issuingCondition,
  planCertificateCheck,
} from './certmanager-check-renew.plan.js';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface CertificateLine {
  certificate: string;
  notAfter?: string;
  daysLeft?: number;
  reason?: string;
}

/**
 * `certmanager.check-renew` (S7, weekly): lists cert-manager Certificates and renews those whose
 * certificate expires within `renewWithinDays` the way `cmctl renew` does — it sets the `Issuing`
 * condition (True, reason ManuallyTriggered) on the status subresource, which makes cert-manager
 * issue a new certificate. The result lists every certificate: renewed, already being issued, not
 * ready (never issued), and valid with its days left. A dry run lists what it would renew.
 */
export class CertManagerCheckRenewAction implements Action {
  readonly kind = CERTMANAGER_CHECK_RENEW_KIND;
  readonly readsInDryRun = true;

  constructor(
    private readonly client: KubernetesClient,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  plan(request: ActionRequested): PlannedCall {
    return planCertificateCheck(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const { renewWithinDays, namespace } = certificateCheckParamsOf(request);
    const now = this.clock();
    const certificates = await this.client.listCustomObjects(CERTIFICATES, namespace, context.signal);
    const renewed: CertificateLine[] = [];
    const alreadyIssuing: CertificateLine[] = [];
    const notReady: CertificateLine[] = [];
    const valid: CertificateLine[] = [];
    for (const certificate of sortByName(certificates)) {
      const line = describe(certificate, now);
      const conditions = (certificate.status?.conditions as Condition[] | undefined) ?? [];
      if (conditions.some((c) => c.type === 'Issuing' && c.status === 'True')) {
        alreadyIssuing.push(line);
      } else if (line.daysLeft === undefined) {
        const ready = conditions.find((c) => c.type === 'Ready');
        notReady.push({ ...line, reason: ready?.message ?? ready?.reason ?? 'no status.notAfter yet' });
      } else if (line.daysLeft > renewWithinDays) {
        valid.push(line);
      } else {
        if (!context.dryRun) await this.renew(certificate, conditions, now, context.signal);
        renewed.push(line);
      }
    }
    return {
      details: {
        renewWithinDays,
        scope: namespace ?? 'all namespaces',
        checked: certificates.length,
        [context.dryRun ? 'wouldRenew' : 'renewed']: renewed,
        alreadyIssuing,
        notReady,
        valid,
        server: this.client.server,
      },
    };
  }

  /** `cmctl renew`: Issuing=True on the status, guarded by the resourceVersion that was read. */
  private async renew(certificate: KubernetesObject, conditions: Condition[], now: Date, signal: AbortSignal) {
    const { name = '', namespace = '', resourceVersion, generation } = certificate.metadata ?? {};
    const patch = {
      metadata: { resourceVersion },
      status: { conditions: [...conditions.filter((c) => c.type !== 'Issuing'), issuingCondition(generation, now)] },
    };
    try {
      await this.client.mergePatchStatus({ ...CERTIFICATES, namespace, name }, patch, signal);
    } catch (error) {
      // Changed since the list (cert-manager updated it): the next attempt lists and decides again.
      if (error instanceof KubernetesRequestError && error.status === 409) {
        throw new KubernetesConflictError(`Certificate ${namespace}/${name} changed while renewing; trying again`, {
          certificate: `${namespace}/${name}`,
          status: 409,
        });
      }
      throw error;
    }
  }
}

function describe(certificate: KubernetesObject, now: Date): CertificateLine {
  const name = `${certificate.metadata?.namespace ?? ''}/${certificate.metadata?.name ?? ''}`;
  const notAfter = certificate.status?.notAfter;
  if (typeof notAfter !== 'string' || Number.isNaN(Date.parse(notAfter))) return { certificate: name };
  return { certificate: name, notAfter, daysLeft: daysBetween(now, new Date(notAfter)) };
}

function sortByName(objects: KubernetesObject[]): KubernetesObject[] {
  const name = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  return [...objects].sort((a, b) => name(a).localeCompare(name(b)));
}
