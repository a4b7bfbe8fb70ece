import { z } from 'zod';
import { actionRequestedSchema, actionResultSchema } from './events/action.events.js';
import { alertDataSchema } from './events/alert.events.js';
import { decisionMadeSchema } from './events/decision.events.js';
import { kubernetesEventCatalog } from './events/kubernetes.events.js';
import { notificationRequestedSchema } from './events/notification.events.js';
import { provisioningUpdatedSchema } from './events/provisioning.events.js';
import { ticketRequestedSchema } from './events/ticket.events.js';
import {
  deploymentSchema,
  policyResolvedSchema,
  policyViolatedSchema,
  provisioningRequestedSchema,
  scheduleFiredSchema,
  serviceHealthSchema,
} from './events/platform.events.js';
import {
  ciWorkflowSchema,
  gitPullRequestSchema,
  gitPushSchema,
  gitTagSchema,
  registryImageSchema,
} from './events/git.events.js';

/**
 * Where an event type may come from: `external` types are facts other systems report (through the
 * gateway); `internal` types are the bus's own commands and results, which only hub services issue
 * (see `issuers.ts`), never a caller of the gateway.
 */
export type EventOrigin = 'external' | 'internal';

/**
 * One entry of the event catalog. The routing key on `hub.events` is the event type itself.
 * A `family` entry covers every type that starts with its type and a dot
 * (`action.requested.argocd.sync` belongs to `action.requested`).
 */
export interface EventDefinition {
  readonly type: string;
  readonly description: string;
  readonly origin: EventOrigin;
  readonly data: z.ZodType;
  readonly family?: boolean;
}

function define<const T extends EventDefinition>(definition: T): T {
  return definition;
}

/** Every event type the hub knows, with the schema of its `data`. */
export const eventCatalog = {
  'alert.firing': define({
    type: 'alert.firing',
    origin: 'external',
    description: 'An Alertmanager alert is firing',
    data: alertDataSchema,
  }),
  'alert.resolved': define({
    type: 'alert.resolved',
    origin: 'external',
    description: 'An Alertmanager alert resolved',
    data: alertDataSchema,
  }),
  'provisioning.requested': define({
    type: 'provisioning.requested',
    origin: 'external',
    description: 'A developer portal asks for an application platform',
    data: provisioningRequestedSchema,
  }),
  'deployment.completed': define({
    type: 'deployment.completed',
    origin: 'external',
    description: 'A deployment finished successfully',
    data: deploymentSchema,
  }),
  'deployment.failed': define({
    type: 'deployment.failed',
    origin: 'external',
    description: 'A deployment failed',
    data: deploymentSchema,
  }),
  'policy.violated': define({
    type: 'policy.violated',
    origin: 'external',
    description: 'A policy engine reported a violation',
    data: policyViolatedSchema,
  }),
  'policy.resolved': define({
    type: 'policy.resolved',
    origin: 'external',
    description: 'A policy engine reports that a violation is gone (the resource passes or was deleted)',
    data: policyResolvedSchema,
  }),
  'service.degraded': define({
    type: 'service.degraded',
    origin: 'external',
    description: 'A service is degraded',
    data: serviceHealthSchema,
  }),
  'service.recovered': define({
    type: 'service.recovered',
    origin: 'external',
    description: 'A service recovered',
    data: serviceHealthSchema,
  }),
  'action.requested': define({
    type: 'action.requested',
    origin: 'internal',
    description: 'Run an action; the type ends in the action kind (action.requested.argocd.sync)',
    data: actionRequestedSchema,
    family: true,
  }),
  'action.succeeded': define({
    type: 'action.succeeded',
    origin: 'internal',
    description: 'An action succeeded',
    data: actionResultSchema,
  }),
  'action.failed': define({
    type: 'action.failed',
    origin: 'internal',
    description: 'An action failed for good',
    data: actionResultSchema,
  }),
  'notification.requested': define({
    type: 'notification.requested',
    origin: 'internal',
    description: 'Tell people about an incident (Slack thread, Teams card)',
    data: notificationRequestedSchema,
  }),
  'provisioning.updated': define({
    type: 'provisioning.updated',
    origin: 'internal',
    description: 'A provisioning request or one of its steps changed state (audit trail of S3)',
    data: provisioningUpdatedSchema,
  }),
  'decision.made': define({
    type: 'decision.made',
    origin: 'internal',
    description: 'A person acknowledged, silenced or resolved an incident, or approved or denied a waiting action',
    data: decisionMadeSchema,
  }),
  'ticket.requested': define({
    type: 'ticket.requested',
    origin: 'internal',
    description: 'Open, comment on or resolve the ticket of an incident (JIRA, ServiceNow)',
    data: ticketRequestedSchema,
  }),
  'schedule.fired': define({
    type: 'schedule.fired',
    origin: 'internal',
    description: 'A schedule fired; the type ends in the schedule name (schedule.fired.nightly-backup)',
    data: scheduleFiredSchema,
    family: true,
  }),
  'git.push': define({
    type: 'git.push',
    origin: 'external',
    description: 'Commits were pushed to a branch (GitHub, GitLab)',
    data: gitPushSchema,
  }),
  'git.pull_request.opened': define({
    type: 'git.pull_request.opened',
    origin: 'external',
    description: 'A pull request (GitLab: merge request) was opened or reopened',
    data: gitPullRequestSchema,
  }),
  'git.pull_request.closed': define({
    type: 'git.pull_request.closed',
    origin: 'external',
    description: 'A pull request was closed without merging',
    data: gitPullRequestSchema,
  }),
  'git.pull_request.merged': define({
    type: 'git.pull_request.merged',
    origin: 'external',
    description: 'A pull request was merged',
    data: gitPullRequestSchema,
  }),
  'git.pull_request.synchronized': define({
    type: 'git.pull_request.synchronized',
    origin: 'external',
    description: 'New commits reached an open pull request',
    data: gitPullRequestSchema,
  }),
  'git.tag.created': define({
    type: 'git.tag.created',
    origin: 'external',
    description: 'A tag was pushed',
    data: gitTagSchema,
  }),
  'ci.workflow.completed': define({
    type: 'ci.workflow.completed',
    origin: 'external',
    description: 'A CI run finished (GitHub Actions workflow run, GitLab pipeline); data.conclusion says how',
    data: ciWorkflowSchema,
  }),
  'registry.image.pushed': define({
    type: 'registry.image.pushed',
    origin: 'external',
    description: 'A container image was published to a registry (GitHub Packages)',
    data: registryImageSchema,
  }),
  external: define({
    type: 'external',
    origin: 'external',
    description: 'Any event from another system, accepted as is (external.<anything>)',
    data: z.unknown(),
    family: true,
  }),
  ...kubernetesEventCatalog,
} as const satisfies Record<string, EventDefinition>;

export type CatalogType = keyof typeof eventCatalog;
export type EventData<T extends CatalogType> = z.output<(typeof eventCatalog)[T]['data']>;

const families = Object.values(eventCatalog as Record<string, EventDefinition>).filter((d) => d.family);

/** Finds the catalog entry for a concrete event type, or undefined when the hub does not know it. */
export function findEventDefinition(type: string): EventDefinition | undefined {
  const exact = (eventCatalog as Record<string, EventDefinition>)[type];
  if (exact && !exact.family) return exact;
  return families.find((d) => type.startsWith(`${d.type}.`));
}

/**
 * Whether an event of `type` may come from outside the hub (through the gateway): only types of
 * the catalog whose origin is `external`. Internal commands and results, and types the catalog
 * does not know, may not.
 */
export function mayComeFromOutside(type: string): boolean {
  return findEventDefinition(type)?.origin === 'external';
}

/** The routing key of an event type on `hub.events`. */
export function routingKeyOf(type: string): string {
  return type;
}
