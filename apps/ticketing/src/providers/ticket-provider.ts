import { type TicketContent, type TicketNote, type TicketRoute } from '../tickets/ticket-content.js';

/** A ticket as the vendor knows it. */
export interface TicketRef {
  /** The vendor's id: JIRA issue key, ServiceNow sys_id, outbox key. */
  readonly key: string;
  /** What people see (JIRA key, ServiceNow number). */
  readonly displayKey: string;
  readonly url?: string;
}

/** The vendor's view of a ticket, asked before reopening it. */
export interface TicketState {
  readonly done: boolean;
  readonly resolution?: string;
  /** Closed with a resolution the team uses for "will not act on this": never reopen it. */
  readonly wontFix: boolean;
}

/**
 * One ticketing system. The lifecycle (create, comment on repeats, resolve, reopen or recreate) is
 * decided by the ticket service from its own fingerprint → ticket map; a provider only renders and
 * calls. Every failure is a {@link TicketingError} (retryable or not, with the vendor's message).
 */
export interface TicketProvider {
  /** Stored with every ticket, so a change of provider never mixes keys. */
  readonly name: 'jira' | 'servicenow' | 'outbox';
  readonly mode: 'live' | 'outbox';
  create(content: TicketContent, route: TicketRoute): Promise<TicketRef>;
  /** Tickets carrying the fingerprint's marker, newest first (to adopt a ticket whose create answer was lost). */
  find(marker: string): Promise<TicketRef[]>;
  comment(key: string, note: TicketNote): Promise<void>;
  /** Undefined when the provider cannot tell (the outbox): the service's own map decides. */
  state(key: string): Promise<TicketState | undefined>;
  /** Closes the ticket (unless a person closed it already); returns how it is closed now. */
  resolve(key: string, note: TicketNote): Promise<Omit<TicketState, 'done'>>;
  reopen(key: string, note: TicketNote): Promise<void>;
}

/** Injection token of the configured provider. */
export const TICKET_PROVIDER = Symbol('ticket-provider');
