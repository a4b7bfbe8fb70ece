import { Kysely, PostgresDialect } from 'kysely';
import { migrateToLatest } from '@hub/database';
import { createTestSchema, type TestSchema } from '@hub/testing';
import { keyStateQuery } from './key-state.js';
import { type SensorDatabase } from './sensor-database.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Every relation the plan reads with a sequential scan. */
function seqScans(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}

describe('the key-state read (one statement per event)', () => {
  let schema: TestSchema;
  let db: Kysely<SensorDatabase>;

  beforeAll(async () => {
    schema = await createTestSchema();
    db = new Kysely<SensorDatabase>({ dialect: new PostgresDialect({ pool: schema.pool }) });
    await migrateToLatest(db);
    // A table that grew since its last ANALYZE (a busy hour, a fresh install): the planner has no
    // statistics and must still reach one key's history through the index, not a scan of all keys'.
    await schema.pool.query(`
      ALTER TABLE incidents SET (autovacuum_enabled = false);
      ALTER TABLE incident_history SET (autovacuum_enabled = false);
      INSERT INTO incidents (id, key, sensor, status, title, resolved_at)
        SELECT gen_random_uuid(), 'key-' || g, 'bench', 'resolved', 'grown', now() FROM generate_series(1, 5000) g;
      INSERT INTO incident_history (incident_id, status)
        SELECT id, step FROM incidents, unnest(ARRAY['open', 'remediating', 'remediated', 'resolved']) step;`);
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it('reads the history of the key only, whatever the statistics say', async () => {
    const query = keyStateQuery('key-77', {
      silencesAt: new Date(),
      instance: { sensor: 'bench', startsAt: '2026-12-07T00:00:00Z' },
    }).compile(db);
    const { rows } = await schema.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${query.sql}`,
      [...query.parameters],
    );
    const scanned = seqScans(rows[0]!['QUERY PLAN'][0].Plan);
    expect(scanned).not.toContain('incident_history');
    expect(scanned).not.toContain('incidents');
  });

  it('still finds the last remediation of the key across its incidents', async () => {
    const query = keyStateQuery('key-77', {}).compile(db);
    const { rows } = await schema.pool.query<{ _last_remediation_at: Date | null; id: string | null }>(query.sql, [
      ...query.parameters,
    ]);
    expect(rows[0]!.id).toBeNull(); // resolved: no open incident
    expect(rows[0]!._last_remediation_at).toBeInstanceOf(Date);
  });
});
