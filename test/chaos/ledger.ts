/**
 * What the suite knows about each alert it sent, and the side effects the vendor fakes recorded for
 * it. Every figure of the table is computed from these (never assumed): an alert is completed when
 * its incident reached an outcome the vendors saw — the Slack root edited to "Remediation
 * succeeded", or escalated (an #oncall page and a JIRA ticket) — and an effect seen more than once
 * for one alert is a duplicate.
 */
export interface AlertRecord {
  /** The Argo CD Application the alert is about (unique per alert). */
  readonly app: string;
  /** Its syncs end in phase Failed, so its incident must escalate (page + ticket). */
  readonly failing: boolean;
  readonly sentAt: number;
}

/** The side effects of one alert, as counted from the fakes' records. */
export interface Effects {
  /** Syncs Argo CD accepted (a refused or faulted request is none). */
  syncs: number;
  /** Incident roots in the team channel. */
  roots: number;
  /** Escalation roots in #oncall. */
  pages: number;
  /** JIRA issues created. */
  tickets: number;
  /** The root now says "Remediation succeeded". */
  remediated: boolean;
  /** When the suite first saw the alert completed. */
  completedAt?: number;
}

export const noEffects = (): Effects => ({ syncs: 0, roots: 0, pages: 0, tickets: 0, remediated: false });

export function isComplete(effects: Effects): boolean {
  return effects.roots > 0 && (effects.remediated || (effects.pages > 0 && effects.tickets > 0));
}

/** Effects beyond one of each kind: the vendor was asked to do the same thing twice. */
export function duplicatesOf(effects: Effects): number {
  const extra = (n: number) => Math.max(0, n - 1);
  return extra(effects.syncs) + extra(effects.roots) + extra(effects.pages) + extra(effects.tickets);
}

/** One row of the table: the alerts sent within a scenario's window. */
export interface Figures {
  scenario: string;
  accepted: number;
  refused: number;
  completed: number;
  /** Completed through escalation (the fix failed or a vendor stayed down past the retries). */
  escalated: number;
  lost: number;
  duplicates: number;
  /** From heal() to the flow being whole again; undefined when it did not recover in time. */
  recoverySeconds?: number;
}

export interface Window {
  readonly scenario: string;
  readonly from: number;
  readonly to: number;
  /** When heal() was called (undefined for the fault-free baseline). */
  readonly healedAt?: number;
}

/** The figures of one window, from the alerts accepted and refused in it and their effects. */
export function figuresOf(
  window: Window,
  accepted: readonly AlertRecord[],
  refusedAt: readonly number[],
  effects: (app: string) => Effects,
): Figures {
  const inWindow = accepted.filter((r) => r.sentAt >= window.from && r.sentAt < window.to);
  const seen = inWindow.map((r) => effects(r.app));
  const completed = seen.filter(isComplete);
  return {
    scenario: window.scenario,
    accepted: inWindow.length,
    refused: refusedAt.filter((at) => at >= window.from && at < window.to).length,
    completed: completed.length,
    escalated: completed.filter((e) => !e.remediated).length,
    lost: inWindow.length - completed.length,
    duplicates: seen.reduce((sum, e) => sum + duplicatesOf(e), 0),
    recoverySeconds: recoveryOf(window, inWindow, effects),
  };
}

/**
 * Seconds from heal() until every alert accepted before it completed and the first alert sent
 * after it completed (the hub takes new work again); undefined while either is not the case.
 */
export function recoveryOf(
  window: Window,
  inWindow: readonly AlertRecord[],
  effects: (app: string) => Effects,
): number | undefined {
  if (window.healedAt === undefined) return undefined;
  const healedAt = window.healedAt;
  const before = inWindow.filter((r) => r.sentAt < healedAt).map((r) => effects(r.app).completedAt);
  if (before.some((at) => at === undefined)) return undefined;
  const after = inWindow
    .filter((r) => r.sentAt >= healedAt)
    .map((r) => effects(r.app).completedAt)
    .filter((at): at is number => at !== undefined);
  if (after.length === 0) return undefined;
  const recoveredAt = Math.max(...(before as number[]), Math.min(...after));
  return Math.max(0, (recoveredAt - healedAt) / 1000);
}
