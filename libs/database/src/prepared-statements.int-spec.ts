import { sql } from 'kysely';
import { createTestSchema, type TestSchema } from '@hub/testing';
import { createDatabase } from './database.js';
import { StatementNames } from './statement-names.js';

describe('prepared statements (DATABASE_PREPARED_STATEMENTS)', () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await createTestSchema();
    await schema.pool.query('CREATE TABLE probes (id int PRIMARY KEY, note text)');
    await schema.pool.query("INSERT INTO probes VALUES (1, 'one'), (2, 'two')");
  });

  afterAll(async () => {
    await schema?.drop();
  });

  /** The statements the one connection of `db` holds prepared, by their SQL text. */
  async function prepared(db: ReturnType<typeof createDatabase>['db']): Promise<string[]> {
    const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(db);
    return rows.map((r) => r.statement);
  }

  it('prepares a statement with parameters once per connection and runs it by name', async () => {
    const { db } = createDatabase(schema.url, 1);
    try {
      for (const id of [1, 2, 1]) {
        const { rows } = await sql<{ note: string }>`SELECT note FROM probes WHERE id = ${id}`.execute(db);
        expect(rows[0]?.note).toBe(id === 1 ? 'one' : 'two');
      }
      const statements = await prepared(db);
      expect(statements.filter((s) => s.includes('FROM probes WHERE id = $1'))).toHaveLength(1);
      // Planned for its values on every call: a generic plan can be far worse on grown tables.
      const { rows } = await sql<{ plan_cache_mode: string }>`SHOW plan_cache_mode`.execute(db);
      expect(rows[0]?.plan_cache_mode).toBe('force_custom_plan');
      // No JIT for the hub's point statements, whatever a stale estimate says.
      const jit = await sql<{ jit: string }>`SHOW jit`.execute(db);
      expect(jit.rows[0]?.jit).toBe('off');
    } finally {
      await db.destroy();
    }
  });

  it('prepares nothing when switched off', async () => {
    const { db } = createDatabase(schema.url, 1, { preparedStatements: false });
    try {
      await sql`SELECT note FROM probes WHERE id = ${1} AND note IS NOT NULL`.execute(db);
      expect(await prepared(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('runs a statement unprepared once a schema change made its prepared plan stale', async () => {
    const { db } = createDatabase(schema.url, 1);
    try {
      const read = () => sql<Record<string, unknown>>`SELECT * FROM probes WHERE id = ${1}`.execute(db);
      expect((await read()).rows[0]).toEqual({ id: 1, note: 'one' });
      await schema.pool.query('ALTER TABLE probes ADD COLUMN added int DEFAULT 7');
      await expect(read()).rejects.toThrow(/cached plan must not change result type/);
      expect((await read()).rows[0]).toEqual({ id: 1, note: 'one', added: 7 });
    } finally {
      await db.destroy();
    }
  });

  it('names at most its limit of distinct texts, and the same text always alike', () => {
    const names = new StatementNames(2);
    const first = names.nameOf('SELECT $1');
    expect(first).toMatch(/^hub_select_\d+$/);
    expect(names.nameOf('with x as (select $1) select * from x')).toMatch(/^hub_with_\d+$/);
    expect(names.nameOf('SELECT $1, $2')).toBeUndefined();
    expect(names.nameOf('SELECT $1')).toBe(first);
    names.retire('SELECT $1');
    expect(names.nameOf('SELECT $1')).toBeUndefined();
  });
});
