import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type KubernetesClient, type KubernetesObject } from '../externalsecret-refresh/kubernetes.client.js';
import { KubernetesNotFoundError } from '../externalsecret-refresh/kubernetes.errors.js';
import { daysBetween } from '../params.js';
import {
  cleanupParamsOf,
  NAMESPACES_CLEANUP_PREVIEW_KIND,
  planCleanup,
  PROTECTED_NAMESPACES,
} from './namespaces-cleanup-preview.plan.js';

interface NamespaceLine {
  namespace: string;
  createdAt: string;
  ageDays: number;
}

/**
 * `namespaces.cleanup-preview` (S7, nightly): deletes the namespaces matching `labelSelector`
 * (default `preview=true`) created more than `maxAgeDays` ago, oldest first and at most
 * `maxDeletions` per run. Every deletion is listed in the result (`deleted`), so the audit trail
 * (action_runs, `action.succeeded`, the SIEM) names each namespace; a dry run lists `wouldDelete`.
 * Namespaces already terminating and the system namespaces are never touched.
 */
export class NamespacesCleanupPreviewAction implements Action {
  readonly kind = NAMESPACES_CLEANUP_PREVIEW_KIND;
  readonly readsInDryRun = true;

  constructor(
    private readonly client: KubernetesClient,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  plan(request: ActionRequested): PlannedCall {
    return planCleanup(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const { labelSelector, maxAgeDays, maxDeletions } = cleanupParamsOf(request);
    const now = this.clock();
    const namespaces = await this.client.listNamespaces(labelSelector, context.signal);
    const lines = namespaces.flatMap((ns) => lineOf(ns, now));
    const terminating = namespaces.filter((ns) => ns.metadata?.deletionTimestamp).map((ns) => ns.metadata?.name);
    const expired = lines
      .filter((line) => line.ageDays >= maxAgeDays && !PROTECTED_NAMESPACES.has(line.namespace))
      .filter((line) => !terminating.includes(line.namespace))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const chosen = expired.slice(0, maxDeletions);
    const deleted: NamespaceLine[] = [];
    const alreadyGone: string[] = [];
    for (const line of chosen) {
      if (context.dryRun) continue;
      try {
        await this.client.deleteNamespace(line.namespace, context.signal);
        deleted.push(line);
      } catch (error) {
        if (!(error instanceof KubernetesNotFoundError)) throw error;
        alreadyGone.push(line.namespace);
      }
    }
    return {
      details: {
        labelSelector,
        maxAgeDays,
        maxDeletions,
        matched: namespaces.length,
        ...(context.dryRun ? { wouldDelete: chosen } : { deleted, alreadyGone }),
        leftForNextRun: expired.slice(maxDeletions).map((line) => line.namespace),
        terminating,
        kept: lines.filter((line) => line.ageDays < maxAgeDays).map((line) => line.namespace),
        server: this.client.server,
      },
    };
  }
}

function lineOf(namespace: KubernetesObject, now: Date): NamespaceLine[] {
  const name = namespace.metadata?.name;
  const created = namespace.metadata?.creationTimestamp;
  if (!name || created === undefined) return [];
  const createdAt = new Date(created);
  return [{ namespace: name, createdAt: createdAt.toISOString(), ageDays: daysBetween(createdAt, now) }];
}
