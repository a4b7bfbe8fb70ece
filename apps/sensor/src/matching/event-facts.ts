import { type HubEvent } from '@hub/contracts';

/**
 * The source-agnostic facts of an event that the sensor acts on, from the envelope fields the
 * gateway's mappers set (`startedat`, `sourceurl`, `runbookurl`). Events recorded or queued before
 * the mappers set them carry them only in an alert's `data` (`startsAt`, `generatorURL`, the
 * `runbook_url` annotation): those are read here, and only here, so older envelopes stay readable.
 */
export function startedAtOf(event: HubEvent): string | undefined {
  return validTime(event.startedat) ?? validTime(legacy(event).startsAt);
}

/** Where the condition is seen at its source: the notification's "Alert source" link. */
export function sourceUrlOf(event: HubEvent): string | undefined {
  return text(event.sourceurl) ?? text(legacy(event).generatorURL);
}

/** The runbook of the condition: the notification's "Runbook" link. */
export function runbookUrlOf(event: HubEvent): string | undefined {
  const annotations = legacy(event).annotations;
  const annotated = typeof annotations === 'object' && annotations !== null ? annotations.runbook_url : undefined;
  return text(event.runbookurl) ?? text(annotated);
}

interface LegacyAlertData {
  readonly startsAt?: unknown;
  readonly generatorURL?: unknown;
  readonly annotations?: { readonly runbook_url?: unknown } | null;
}

function legacy(event: HubEvent): LegacyAlertData {
  const data = event.data;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function validTime(value: unknown): string | undefined {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
}
