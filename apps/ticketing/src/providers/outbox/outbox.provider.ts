import { randomUUID } from 'node:crypto';
import { type CallRecorder } from '@hub/recorder';
import { type TicketContent, type TicketNote, type TicketRoute } from '../../tickets/ticket-content.js';
import { type TicketProvider, type TicketRef } from '../ticket-provider.js';

/**
 * The embedded default (no JIRA, no ServiceNow): every ticket operation — create, comment,
 * resolve, reopen — is a line in `$HUB_DATA_DIR/outbox/jira.jsonl`, with the outbox key of the
 * ticket it applies to, so the lifecycle of each ticket can be read from the file. The service's
 * own map still decides the lifecycle, exactly as with a live provider.
 */
export class OutboxTicketProvider implements TicketProvider {
  readonly name = 'outbox';
  readonly mode = 'outbox';

  constructor(private readonly outbox: CallRecorder) {}

  async create(content: TicketContent, route: TicketRoute): Promise<TicketRef> {
    const key = `HUB-${randomUUID().slice(0, 8).toUpperCase()}`;
    await this.outbox.write('ticket.create', { key, route, ticket: content });
    return { key, displayKey: key };
  }

  /** The outbox has no search: an answer cannot be lost writing a local file. */
  find(): Promise<TicketRef[]> {
    return Promise.resolve([]);
  }

  async comment(key: string, note: TicketNote): Promise<void> {
    await this.outbox.write('ticket.comment', { key, note });
  }

  state(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async resolve(key: string, note: TicketNote): Promise<{ resolution: string; wontFix: false }> {
    await this.outbox.write('ticket.resolve', { key, note });
    return { resolution: 'Done', wontFix: false };
  }

  async reopen(key: string, note: TicketNote): Promise<void> {
    await this.outbox.write('ticket.reopen', { key, note });
  }
}
