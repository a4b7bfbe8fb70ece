import { type TicketContent, type TicketNote, type TicketRoute } from '../../tickets/ticket-content.js';
import { TicketRejectedError } from '../provider.errors.js';
import { type TicketProvider, type TicketRef, type TicketState } from '../ticket-provider.js';
import { type VendorCallOptions, VendorCaller } from '../vendor-call.js';
import { type JiraApi, jiraFailure, type JiraTransition } from './jira-api.js';

export interface JiraProviderOptions {
  host: string;
  /** Transition names (case-insensitive); when absent, the first transition into (out of) the done category. */
  doneTransition: string;
  reopenTransition: string;
  /** Set with the done transition (only if the transition's screen has the field). */
  resolution?: string;
  wontFixResolutions: readonly string[];
  /** Add the note as a comment of the done transition. */
  resolveComment: boolean;
  call: VendorCallOptions;
}

/**
 * Tickets in JIRA (Cloud REST v3 or Data Center REST v2, through {@link JiraApi}): one issue per
 * fingerprint, labelled with the fingerprint marker so it can be found again; comments on repeats;
 * workflow transitions to close and reopen, picked by name.
 */
export class JiraProvider implements TicketProvider {
  readonly name = 'jira';
  readonly mode = 'live';
  private readonly wontFix: Set<string>;
  private readonly vendor: VendorCaller;

  constructor(
    private readonly api: JiraApi,
    private readonly options: JiraProviderOptions,
  ) {
    this.vendor = new VendorCaller('jira', options.call, jiraFailure);
    this.wontFix = new Set(options.wontFixResolutions.map((name) => name.toLowerCase()));
  }

  async create(content: TicketContent, route: TicketRoute): Promise<TicketRef> {
    const jira = route.jira;
    if (!jira) throw new TicketRejectedError('jira', `team ${route.team} has no JIRA project (teams.yaml)`);
    const fields = {
      project: { key: jira.project },
      issuetype: { name: jira.issueType },
      summary: content.summary,
      labels: content.labels,
      ...(jira.components.length > 0 ? { components: jira.components.map((name) => ({ name })) } : {}),
    };
    const { key } = await this.call('create issue', false, () => this.api.createIssue(fields, content));
    return this.ref(key);
  }

  async find(marker: string): Promise<TicketRef[]> {
    const jql = `labels = "${marker}" ORDER BY created DESC`;
    const keys = await this.call('search', true, () => this.api.search(jql));
    return keys.map((key) => this.ref(key));
  }

  async comment(key: string, note: TicketNote): Promise<void> {
    await this.call('comment', false, () => this.api.addComment(key, note));
  }

  async state(key: string): Promise<TicketState> {
    const issue = await this.call('get issue', true, () => this.api.getIssue(key));
    return {
      done: issue.statusCategory === 'done',
      resolution: issue.resolution,
      wontFix: issue.resolution !== undefined && this.wontFix.has(issue.resolution.toLowerCase()),
    };
  }

  async resolve(key: string, note: TicketNote): Promise<Omit<TicketState, 'done'>> {
    const before = await this.state(key);
    if (before.done) return before; // closed by a person meanwhile
    const transition = await this.transition(key, this.options.doneTransition, (t) => t.toCategory === 'done');
    const fields = this.options.resolution ? { resolution: { name: this.options.resolution } } : undefined;
    const comment = this.options.resolveComment ? note : undefined;
    await this.call('transition to done', false, () => this.api.doTransition(key, transition.id, fields, comment));
    const after = await this.state(key);
    return { resolution: after.resolution ?? this.options.resolution, wontFix: after.wontFix };
  }

  async reopen(key: string, note: TicketNote): Promise<void> {
    const transition = await this.transition(key, this.options.reopenTransition, (t) => t.toCategory !== 'done');
    await this.call('reopen', false, () => this.api.doTransition(key, transition.id, undefined, note));
  }

  /** The transition named `name`, else the first that `fallback` accepts; none → a clear, final error. */
  private async transition(
    key: string,
    name: string,
    fallback: (t: JiraTransition) => boolean,
  ): Promise<JiraTransition> {
    const transitions = await this.call('list transitions', true, () => this.api.getTransitions(key));
    const found = transitions.find((t) => t.name.toLowerCase() === name.toLowerCase()) ?? transitions.find(fallback);
    if (!found) {
      const available = transitions.map((t) => `"${t.name}"`).join(', ') || 'none';
      throw new TicketRejectedError('jira', `${key} has no transition "${name}" (available: ${available})`);
    }
    return found;
  }

  private ref(key: string): TicketRef {
    return { key, displayKey: key, url: `${this.options.host.replace(/\/+$/, '')}/browse/${key}` };
  }

  private call<T>(operation: string, safe: boolean, send: () => Promise<T>): Promise<T> {
    return this.vendor.call(operation, safe, send);
  }
}
