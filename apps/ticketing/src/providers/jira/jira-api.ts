import { HttpException } from 'jira.js';
import { parseRetryAfter } from '@hub/contracts';
import { type TicketContent, type TicketNote } from '../../tickets/ticket-content.js';
import { type VendorFailure } from '../vendor-call.js';

/**
 * jira.js sends through axios; with axios's `fetch` adapter the call goes through Node's fetch
 * (undici), whose OpenTelemetry instrumentation works through diagnostics channels — so each JIRA
 * call is a client span of the consume span. Axios's default `http` adapter is imported as ESM by
 * jira.js's ESM build, which the `http` instrumentation (patching `require`) does not see.
 */
export const JIRA_ADAPTER = 'fetch';

/** A workflow transition as the provider needs it. */
export interface JiraTransition {
  readonly id: string;
  readonly name: string;
  /** `new`, `indeterminate` or `done`: the status category the transition leads to. */
  readonly toCategory?: string;
}

/** The calls the JIRA provider makes; REST v3 (Cloud) and REST v2 (Data Center / Server) differ underneath. */
export interface JiraApi {
  readonly version: '2' | '3';
  createIssue(fields: Record<string, unknown>, content: TicketContent): Promise<{ key: string }>;
  /** Issue keys matching the JQL, newest first. */
  search(jql: string): Promise<string[]>;
  addComment(key: string, note: TicketNote): Promise<void>;
  getIssue(key: string): Promise<{ statusCategory?: string; resolution?: string }>;
  getTransitions(key: string): Promise<JiraTransition[]>;
  doTransition(key: string, transitionId: string, fields?: Record<string, unknown>, note?: TicketNote): Promise<void>;
}

interface JiraErrorBody {
  errorMessages?: string[];
  errors?: Record<string, string>;
  message?: string;
}

/** What jira.js threw, as a vendor failure: the status, Retry-After and JIRA's own error messages. */
export function jiraFailure(error: unknown): VendorFailure {
  if (error instanceof HttpException && typeof error.response === 'object') {
    const response = error.response as { data?: unknown; status?: number };
    const cause = error.cause as { response?: { headers?: Record<string, unknown> } } | undefined;
    const header = cause?.response?.headers?.['retry-after'];
    return {
      status: response.status ?? error.status,
      retryAfterMs: parseRetryAfter(typeof header === 'string' ? header : undefined),
      message: jiraMessage(response.data) ?? error.message,
      cause: error,
    };
  }
  // Axios errors without a response (connection refused, timeout) and anything else: no status.
  return { message: error instanceof Error ? error.message : String(error), cause: error };
}

function jiraMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim() === '' ? undefined : data.slice(0, 500);
  if (typeof data !== 'object' || data === null) return undefined;
  const body = data as JiraErrorBody;
  const parts = [
    ...(body.errorMessages ?? []),
    ...Object.entries(body.errors ?? {}).map(([field, message]) => `${field}: ${message}`),
    ...(body.message ? [body.message] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Status category and resolution name out of an issue's `fields`. */
export function issueState(fields: unknown): { statusCategory?: string; resolution?: string } {
  const f = (fields ?? {}) as { status?: { statusCategory?: { key?: string } }; resolution?: { name?: string } | null };
  return { statusCategory: f.status?.statusCategory?.key, resolution: f.resolution?.name ?? undefined };
}

/** jira.js transitions → ours (entries without id or name are useless and dropped). */
export function toTransitions(list: unknown): JiraTransition[] {
  const items = (list ?? []) as { id?: string; name?: string; to?: { statusCategory?: { key?: string } } }[];
  return items.flatMap((t) =>
    t.id && t.name ? [{ id: t.id, name: t.name, toCategory: t.to?.statusCategory?.key }] : [],
  );
}
