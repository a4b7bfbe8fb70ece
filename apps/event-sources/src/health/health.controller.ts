import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { sql } from 'kysely';
import { type Database } from '@hub/database';
import { HubPublisher } from '@hub/messaging';
import { type SourceStatus, SourceSupervisor } from '../supervision/source.supervisor.js';

/** Injection token of the database handle. */
export const DATABASE = Symbol('Database');

interface Readiness {
  status: 'ready' | 'unavailable';
  reason?: string;
  sources: Record<string, SourceStatus>;
}

/**
 * `/healthz`: the process runs. `/readyz`: 200 while the bus takes events and PostgreSQL (leases,
 * positions) answers, 503 otherwise; either way the body says, per source, whether it is connected,
 * whether this replica leads it, and why not. A source that cannot connect does not make the
 * replica unready (restarting the pod would not help it); its reason and the metrics show it.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(SourceSupervisor) private readonly supervisor: SourceSupervisor,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const sources = this.supervisor.status();
    const reason =
      this.publisher.unavailableReason ?? ((await this.reachable()) ? undefined : 'the database does not answer');
    if (reason === undefined) return { status: 'ready', sources };
    void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unavailable', reason, sources };
  }

  private async reachable(): Promise<boolean> {
    try {
      await sql`SELECT 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }
}
