import { type TeamDirectory } from '@hub/config';
import { type DecisionKind } from '@hub/contracts';
import { type Database } from '@hub/database';
import { sql } from 'kysely';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a person wants to decide on: an incident (acknowledge, silence, resolve) or an approval. */
export interface DecisionTarget {
  readonly decision: DecisionKind;
  /** The incident id, or the approval id for approve / deny. */
  readonly id: string;
}

/** Why a decision is refused; `missing` when no incident or approval has the id (a 404 on the API). */
export interface Refusal {
  readonly reason: string;
  readonly missing?: true;
}

/**
 * Whether a person may take a decision, before anything is published: the incident must be open
 * and the person a member of its owner team; the approval must still be waiting and the person one
 * of its approvers (a team or a group of teams.yaml, `TeamDirectory.refusesMember`). Any of a
 * person's names counts (a Slack user's handle, display name or id).
 */
export class DecisionAuthority {
  constructor(
    private readonly db: Database,
    private readonly teams: TeamDirectory,
  ) {}

  /** Why `names` may not decide on `target`, or undefined when they may. */
  async refusal(target: DecisionTarget, names: readonly string[]): Promise<Refusal | undefined> {
    const owner =
      target.decision === 'approve' || target.decision === 'deny'
        ? await this.approvers(target.id)
        : await this.ownerTeam(target.id);
    if ('refused' in owner) return { reason: owner.refused, ...(owner.missing ? { missing: true } : {}) };
    const refusals = names.map((name) => this.teams.refusesMember(owner.team, name));
    if (refusals.some((r) => r === undefined)) return undefined;
    const reason = refusals[0] ?? this.teams.refusesMember(owner.team, undefined);
    return reason === undefined ? undefined : { reason };
  }

  private async ownerTeam(id: string): Promise<{ team: string } | { refused: string; missing?: true }> {
    const row = !UUID.test(id)
      ? undefined
      : await this.db
          .selectFrom('incidents')
          .select(['title', 'resolved_at', sql<string | null>`context->>'team'`.as('team')])
          .where('id', '=', id)
          .executeTakeFirst();
    if (!row) return { refused: `incident ${id} does not exist`, missing: true };
    if (row.resolved_at) return { refused: `"${row.title}" is already resolved` };
    return { team: row.team ?? this.teams.file.defaultTeam };
  }

  private async approvers(id: string): Promise<{ team: string } | { refused: string; missing?: true }> {
    const row = await this.db
      .selectFrom('approvals')
      .select(['approvers', 'state', 'decided_by'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return { refused: `approval ${id} does not exist`, missing: true };
    if (row.state !== 'waiting') {
      return { refused: `approval ${id} is already ${row.state}${row.decided_by ? ` by ${row.decided_by}` : ''}` };
    }
    return { team: row.approvers };
  }
}
