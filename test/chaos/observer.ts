import { type FakeSlackMessage } from '@hub/testing';
import { type Fakes } from './hub.js';
import { type Effects, isComplete, noEffects } from './ledger.js';

const TEAM_CHANNEL = '#platform-alerts';
const ONCALL_CHANNEL = '#oncall';

/**
 * Reads the fakes' records as they grow (each array is append-only, so a cursor per record kind) and
 * keeps the {@link Effects} of every alert of the run; notes when each alert is first seen complete.
 */
export class Observer {
  private readonly effects = new Map<string, Effects>();
  /** Every root of an app (a duplicate root may be the one the notifier keeps editing). */
  private readonly rootsOf = new Map<string, FakeSlackMessage[]>();
  private readonly pending = new Set<string>();
  private cursors = { syncs: 0, roots: 0, pages: 0, tickets: 0 };
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly fakes: Fakes,
    /** Finds the alert's app in a text (the apps of this run have one pattern). */
    private readonly appIn: (text: string) => string | undefined,
  ) {}

  start(intervalMs = 250): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.poll();
  }

  /** An alert the gateway accepted: from now on it is waited for. */
  expect(app: string): void {
    if (!this.effects.has(app)) this.effects.set(app, noEffects());
    this.pending.add(app);
  }

  of(app: string): Effects {
    return this.effects.get(app) ?? noEffects();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  poll(): void {
    const now = Date.now();
    const { argocd, slack, jira } = this.fakes;
    for (const sync of argocd.syncs.slice(this.cursors.syncs)) this.count(sync.app, 'syncs');
    this.cursors.syncs = argocd.syncs.length;
    const roots = slack.roots(TEAM_CHANNEL);
    for (const root of roots.slice(this.cursors.roots)) {
      const app = this.count(this.appIn(JSON.stringify([root.text, root.blocks])), 'roots');
      if (app) this.rootsOf.set(app, [...(this.rootsOf.get(app) ?? []), root]);
    }
    this.cursors.roots = roots.length;
    const pages = slack.roots(ONCALL_CHANNEL);
    for (const page of pages.slice(this.cursors.pages)) this.count(this.appIn(JSON.stringify(page)), 'pages');
    this.cursors.pages = pages.length;
    for (const issue of jira.issues.slice(this.cursors.tickets)) this.count(this.appIn(issue.summary), 'tickets');
    this.cursors.tickets = jira.issues.length;
    for (const app of this.pending) {
      const effects = this.effects.get(app)!;
      const roots = this.rootsOf.get(app) ?? [];
      effects.remediated ||= roots.some((root) => JSON.stringify(root.blocks).includes('Remediation succeeded'));
      if (isComplete(effects)) {
        effects.completedAt = now;
        this.pending.delete(app);
      }
    }
  }

  private count(app: string | undefined, kind: 'syncs' | 'roots' | 'pages' | 'tickets'): string | undefined {
    if (!app) return undefined;
    let effects = this.effects.get(app);
    if (!effects) {
      effects = noEffects();
      this.effects.set(app, effects);
    }
    effects[kind]++;
    return app;
  }
}
