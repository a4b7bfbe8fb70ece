import { type CatalogType, type eventCatalog, findEventDefinition } from './catalog.js';

/**
 * The `hubsource` each hub service stamps on the events it publishes. A consumer of an internal
 * command or result trusts it only from the issuers {@link issuersOfType} lists, and no ingest
 * token may take one of these names as its source (the token's source becomes `hubsource`).
 */
export const HubIssuer = {
  gateway: 'ingest-gateway',
  sensor: 'sensor',
  scheduler: 'scheduler',
  executor: 'remediation-executor',
  notifier: 'notifier',
  ticketing: 'ticketing',
  siemForwarder: 'siem-forwarder',
  cli: 'cli',
  eventSources: 'event-sources',
} as const;

export type HubIssuerName = (typeof HubIssuer)[keyof typeof HubIssuer];

/** Every hub service's issuer name: reserved, never an ingest token's source. */
export const HUB_ISSUER_NAMES: ReadonlySet<string> = new Set(Object.values(HubIssuer));

type InternalType = {
  [K in CatalogType]: (typeof eventCatalog)[K]['origin'] extends 'internal' ? K : never;
}[CatalogType];

/**
 * Who issues each internal type of the catalog: exactly the services that publish it today
 * (the compiler insists that every internal type is listed). The sensor asks for actions,
 * notifications and tickets; the scheduler fires schedules; the executor reports results, and
 * tells the owner team and the audit trail how a provisioning request goes (S3).
 */
export const issuersOfType = {
  'action.requested': [HubIssuer.sensor],
  'action.succeeded': [HubIssuer.executor],
  'action.failed': [HubIssuer.executor],
  'notification.requested': [HubIssuer.sensor, HubIssuer.executor],
  'provisioning.updated': [HubIssuer.executor],
  'ticket.requested': [HubIssuer.sensor],
  'decision.made': [HubIssuer.gateway],
  'schedule.fired': [HubIssuer.scheduler],
  'kubernetes.event': [HubIssuer.eventSources],
  'kubernetes.pod.crashlooping': [HubIssuer.eventSources],
  'kubernetes.pod.recovered': [HubIssuer.eventSources],
  'kubernetes.node.notready': [HubIssuer.eventSources],
  'kubernetes.node.recovered': [HubIssuer.eventSources],
  'kubernetes.quota.exceeded': [HubIssuer.eventSources],
  'kubernetes.quota.recovered': [HubIssuer.eventSources],
  'kubernetes.deployment.rollout.stuck': [HubIssuer.eventSources],
  'kubernetes.deployment.rollout.recovered': [HubIssuer.eventSources],
} as const satisfies Record<InternalType, readonly HubIssuerName[]>;

const RULES = Object.entries(issuersOfType as Record<string, readonly string[]>);

/**
 * Why an event of `type` from `hubsource` must not be obeyed, or undefined when it may: an
 * internal type (or anything below one, such as a bare `action.requested`) is trusted only from
 * its issuers; every other type names no issuer.
 */
export function issuerRefusal(type: string, hubsource: string | undefined): string | undefined {
  const rule = RULES.find(([internal]) => type === internal || type.startsWith(`${internal}.`));
  const issuers = rule?.[1] ?? (findEventDefinition(type)?.origin === 'internal' ? [] : undefined);
  if (issuers === undefined || (hubsource !== undefined && issuers.includes(hubsource))) return undefined;
  const from = hubsource === undefined ? 'an event without hubsource' : `hubsource "${hubsource}"`;
  const only = issuers.length > 0 ? issuers.map((i) => `"${i}"`).join(' or ') : 'no one';
  return `"${type}" from ${from}: only ${only} may issue it`;
}
