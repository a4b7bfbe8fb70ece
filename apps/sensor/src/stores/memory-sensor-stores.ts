import { randomUUID } from 'node:crypto';
import { type HubEvent, type IncidentState } from '@hub/contracts';
import { type TimelineEntry, timelineEntryOf } from '../incidents/incident-events.js';
import { type IncidentRow } from '../incidents/sensor-database.js';
import { type SeenDependency } from '../kinds/correlation/correlation.js';
import {
  type ApprovalStore,
  type CorrelationStore,
  type DeadlineStore,
  type IncidentChanges,
  type IncidentStore,
  type NewApproval,
  type NewIncident,
  type NoiseStore,
  type SensorStores,
  type SilenceStore,
} from './sensor-stores.js';

/**
 * The sensor's state in memory, for runs without a database (`hub sensors test`, `hub replay`): the
 * same stores the service writes to PostgreSQL, kept in maps for the life of one run. One run is one
 * sequence of events, so nothing needs locking; there are no silences.
 */
export class MemorySensorStores implements SensorStores {
  readonly incidents = new MemoryIncidentStore();
  readonly noise = new MemoryNoiseStore();
  readonly correlations = new MemoryCorrelationStore();
  readonly deadlines = new MemoryDeadlineStore();
  readonly silences: SilenceStore = { silencing: () => Promise.resolve(false) };
  readonly approvals = new MemoryApprovalStore();
  readonly eventLog = { record: (): Promise<void> => Promise.resolve() };
}

interface HistoryEntry {
  readonly status: string;
  readonly at: Date;
  readonly detail: Record<string, unknown>;
}

class MemoryIncidentStore implements IncidentStore {
  private readonly rows = new Map<string, IncidentRow>();
  private readonly history = new Map<string, HistoryEntry[]>();

  lockKey(): Promise<void> {
    return Promise.resolve();
  }

  findOpen(key: string): Promise<IncidentRow | undefined> {
    return this.find((row) => row.key === key && row.resolved_at === null);
  }

  findById(id: string): Promise<IncidentRow | undefined> {
    return Promise.resolve(this.rows.get(id));
  }

  findByAction(actionId: string): Promise<IncidentRow | undefined> {
    return this.find((row) => row.action_id === actionId);
  }

  findByDiagnostics(actionId: string): Promise<IncidentRow | undefined> {
    return this.find((row) => row.context.diagnosticsActionId === actionId);
  }

  hasDiagnostics(incidentId: string, actionId: string): Promise<boolean> {
    const entries = this.history.get(incidentId) ?? [];
    return Promise.resolve(entries.some((e) => e.detail.actionId === actionId && e.detail.why === 'diagnostics'));
  }

  async lockById(id: string): Promise<IncidentRow> {
    const row = await this.findById(id);
    if (!row) throw new Error(`incident ${id} does not exist`);
    return row;
  }

  lastRemediationAt(key: string): Promise<Date | undefined> {
    let last: Date | undefined;
    for (const row of this.rows.values()) {
      if (row.key !== key) continue;
      for (const entry of this.history.get(row.id) ?? []) {
        if (entry.status === 'remediating' && (!last || entry.at > last)) last = entry.at;
      }
    }
    return Promise.resolve(last);
  }

  open(incident: NewIncident, detail: Record<string, unknown>): Promise<IncidentRow> {
    const row: IncidentRow = {
      id: incident.id,
      key: incident.key,
      sensor: incident.sensor,
      status: 'firing',
      title: incident.title,
      labels: incident.labels,
      context: incident.context,
      sequence: 1,
      action_id: null,
      fire_count: 1,
      opened_at: incident.at,
      updated_at: incident.at,
      last_fired_at: incident.at,
      remediated_at: null,
      escalated_at: null,
      resolved_at: null,
      external_refs: {},
    };
    return Promise.resolve(this.save(row, { status: 'firing', at: incident.at, detail }));
  }

  async transition(
    incident: IncidentRow,
    status: IncidentState,
    at: Date,
    detail: Record<string, unknown>,
    changes: IncidentChanges = {},
  ): Promise<IncidentRow> {
    const current = await this.lockById(incident.id);
    const row: IncidentRow = { ...current, ...changes, status, sequence: current.sequence + 1, updated_at: at };
    return this.save(row, { status, at, detail });
  }

  async countFiring(incident: IncidentRow, at: Date): Promise<IncidentRow> {
    const current = await this.lockById(incident.id);
    return this.save({ ...current, fire_count: current.fire_count + 1, last_fired_at: at });
  }

  timeline(incidentId: string): Promise<TimelineEntry[]> {
    const entries = this.history.get(incidentId) ?? [];
    return Promise.resolve(entries.map(({ status, at, detail }) => timelineEntryOf(status, at, detail)));
  }

  private find(test: (row: IncidentRow) => boolean): Promise<IncidentRow | undefined> {
    const found = [...this.rows.values()].filter(test);
    return Promise.resolve(found.sort((a, b) => b.opened_at.getTime() - a.opened_at.getTime())[0]);
  }

  private save(row: IncidentRow, entry?: HistoryEntry): IncidentRow {
    this.rows.set(row.id, row);
    if (entry) this.history.set(row.id, [...(this.history.get(row.id) ?? []), entry]);
    return row;
  }
}

class MemoryNoiseStore implements NoiseStore {
  /** Window and rate-limit entries per `sensor|key`. */
  private readonly windows = new Map<string, { readonly eventId: string; readonly at: number }[]>();
  /** Until when a mark holds, per `sensor|scope|key` (epoch ms). */
  private readonly marks = new Map<string, number>();

  countInWindow(sensor: string, key: string, eventId: string, at: Date, withinMs: number): Promise<number> {
    const time = at.getTime();
    const since = time - withinMs;
    const id = `${sensor}|${key}`;
    const entries = (this.windows.get(id) ?? []).filter((e) => e.at > since - withinMs);
    if (!entries.some((e) => e.eventId === eventId)) entries.push({ eventId, at: time });
    this.windows.set(id, entries);
    // As in PostgreSQL: the fullest span of `withinMs` that starts at an event in (at - within, at].
    const starts = entries.filter((e) => e.at > since && e.at <= time);
    const counts = starts.map((first) => entries.filter((e) => e.at >= first.at && e.at < first.at + withinMs).length);
    return Promise.resolve(Math.max(0, ...counts));
  }

  resetWindow(sensor: string, key: string): Promise<void> {
    this.windows.delete(`${sensor}|${key}`);
    return Promise.resolve();
  }

  claim(sensor: string, scope: 'dedup' | 'once', key: string, at: Date, withinMs: number): Promise<boolean> {
    const id = `${sensor}|${scope}|${key}`;
    const until = this.marks.get(id);
    if (until !== undefined && until > at.getTime()) return Promise.resolve(false);
    this.marks.set(id, at.getTime() + withinMs);
    return Promise.resolve(true);
  }

  takeRate(sensor: string, trigger: string, at: Date, max: number, perMs: number): Promise<boolean> {
    const id = `${sensor}|rate/${trigger}`;
    const entries = (this.windows.get(id) ?? []).filter((e) => e.at > at.getTime() - perMs);
    const room = entries.length < max;
    if (room) entries.push({ eventId: randomUUID(), at: at.getTime() });
    this.windows.set(id, entries);
    return Promise.resolve(room);
  }

  tombstone(sensor: string, key: string, startsAt: string, at: Date, forMs: number): Promise<void> {
    const id = `${sensor}|resolved|${key}@${new Date(startsAt).toISOString()}`;
    this.marks.set(id, Math.max(this.marks.get(id) ?? 0, at.getTime() + forMs));
    return Promise.resolve();
  }

  isTombstoned(sensor: string, key: string, startsAt: string, now: Date): Promise<boolean> {
    const until = this.marks.get(`${sensor}|resolved|${key}@${new Date(startsAt).toISOString()}`);
    return Promise.resolve(until !== undefined && until > now.getTime());
  }
}

class MemoryCorrelationStore implements CorrelationStore {
  private readonly matches = new Map<string, readonly SeenDependency[]>();

  lock(): Promise<void> {
    return Promise.resolve();
  }

  read(sensor: string, key: string): Promise<SeenDependency[]> {
    return Promise.resolve([...(this.matches.get(`${sensor}|${key}`) ?? [])]);
  }

  write(sensor: string, key: string, seen: readonly SeenDependency[]): Promise<void> {
    if (seen.length === 0) this.matches.delete(`${sensor}|${key}`);
    else this.matches.set(`${sensor}|${key}`, [...seen]);
    return Promise.resolve();
  }
}

class MemoryDeadlineStore implements DeadlineStore {
  private readonly armed = new Map<string, { readonly dueAt: Date; readonly event: HubEvent }>();

  arm(sensor: string, key: string, dueAt: Date, event: HubEvent): Promise<boolean> {
    const id = `${sensor}|${key}`;
    if (this.armed.has(id)) return Promise.resolve(false);
    this.armed.set(id, { dueAt, event });
    return Promise.resolve(true);
  }

  disarm(sensor: string, key: string): Promise<void> {
    this.armed.delete(`${sensor}|${key}`);
    return Promise.resolve();
  }
}

class MemoryApprovalStore implements ApprovalStore {
  private readonly waiting: NewApproval[] = [];

  waitingFor(key: string): Promise<boolean> {
    return Promise.resolve(this.waiting.some((a) => a.incidentKey === key));
  }

  insert(approval: NewApproval): Promise<void> {
    this.waiting.push(approval);
    return Promise.resolve();
  }
}
