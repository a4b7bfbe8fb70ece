import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { silenceSpecSchema, silenceValues, silenceView, type SilenceView } from '@hub/sensor/silences';
import { validate } from '../errors/gateway.errors.js';
import { AlertmanagerSilences } from './alertmanager-silences.js';
import { PeopleDatabase } from './people.database.js';
import { PeopleNotFoundError } from './people.errors.js';

const LIST_LIMIT = 200;

/**
 * Silences and maintenance windows (docs/sensors.md): `POST /v1/silences` (201; 422 naming every
 * bad field), `GET /v1/silences` (those not expired; `?all=true` for every one), `DELETE
 * /v1/silences/{id}` (expires it: the next event is handled as usual, nothing silenced is replayed).
 * Behind the ingest tokens like every `/v1/` write. Label silences are mirrored to Alertmanager when
 * `ALERTMANAGER_URL` is set.
 */
@Controller('v1/silences')
export class SilencesController {
  constructor(
    @Inject(PeopleDatabase) private readonly database: PeopleDatabase,
    @Inject(AlertmanagerSilences) private readonly alertmanager: AlertmanagerSilences,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<SilenceView> {
    const spec = validate(silenceSpecSchema, body, 'The silence');
    const now = new Date();
    const values = silenceValues(randomUUID(), spec, now);
    const row = await this.database.db.insertInto('silences').values(values).returningAll().executeTakeFirstOrThrow();
    const mirrored = await this.alertmanager.create(row);
    if (!mirrored) return silenceView(row, now);
    const updated = await this.database.db
      .updateTable('silences')
      .set({ alertmanager_id: mirrored })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return silenceView(updated, now);
  }

  @Get()
  async list(@Query('all') all?: string): Promise<{ silences: SilenceView[] }> {
    const now = new Date();
    let query = this.database.db
      .selectFrom('silences as s')
      .leftJoin('incidents as i', 'i.id', 's.incident_id')
      .selectAll('s')
      .select((eb) => eb.and([eb('s.until_resolved', '=', true), eb('i.resolved_at', 'is not', null)]).as('over'))
      .orderBy('s.created_at', 'desc')
      .limit(LIST_LIMIT);
    if (all !== 'true') {
      query = query
        .where((eb) => eb.or([eb('s.expired_at', 'is', null), eb('s.expired_at', '>', now)]))
        .where((eb) => eb.or([eb('s.ends_at', 'is', null), eb('s.ends_at', '>', now)]))
        .where((eb) => eb.or([eb('s.until_resolved', '=', false), eb('i.resolved_at', 'is', null)]));
    }
    return { silences: (await query.execute()).map(({ over, ...row }) => silenceView(row, now, over === true)) };
  }

  @Delete(':id')
  async expire(@Param('id') id: string): Promise<SilenceView> {
    const now = new Date();
    const row = await this.database.db
      .updateTable('silences')
      .set({ expired_at: now })
      .where('id', '=', id)
      .where('expired_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const found = await this.database.db.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst();
      if (!found) throw new PeopleNotFoundError(`No silence has the id ${id}`, { id });
      return silenceView(found, now);
    }
    await this.alertmanager.expire(row);
    return silenceView(row, now);
  }
}
