import { type Kysely } from 'kysely';

/**
 * `notification_threads.reply_sequence`: the newest update whose reply the thread has. The notifier
 * holds a reply until its predecessor's reply is posted (bounded), so a thread reads in `sequence`
 * order whatever the delivery order. Additive and nullable: threads made before have none, and their
 * replies are never held.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notification_threads').addColumn('reply_sequence', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notification_threads').dropColumn('reply_sequence').execute();
}
