import { Controller, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DECISION_BUTTONS, type DecisionButton } from '@hub/contracts';
import { SignedRoute } from '../../auth/ingest-auth.hook.js';
import { DecisionAuthority } from '../../people/decision-authority.js';
import { DecisionPublisher } from '../../people/decision.publisher.js';
import { PushMetrics } from '../push/push-metrics.js';
import { pushRequestOf } from '../push/push.http.js';
import { SlackSignature } from './slack.signature.js';

const payloadSchema = z.object({
  type: z.string(),
  user: z.object({ id: z.string(), username: z.string().optional(), name: z.string().optional() }),
  response_url: z.url().optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).default([]),
});

/** What Slack shows the person who clicked, and only them. */
interface Ephemeral {
  readonly response_type: 'ephemeral';
  readonly replace_original: false;
  readonly text: string;
}

const ephemeral = (text: string): Ephemeral => ({ response_type: 'ephemeral', replace_original: false, text });

const RESPONSE_TIMEOUT_MS = 5_000;

/**
 * Slack's interactivity requests (`POST /v1/webhooks/slack/interactions`, the app's Request URL):
 * the buttons of the incident root (`DECISION_BUTTONS`). Signed by Slack (`X-Slack-Signature`,
 * {@link SlackSignature}): an unsigned, wrongly signed or stale request is answered 401 before its
 * body is read. A signed click is answered 200 with text only the clicker sees — refused when they
 * are not a member of the owner team (or of the approvers), when the incident is resolved or the
 * approval already decided, with nothing changed; otherwise published as `decision.made` for the
 * sensor, which shows it in the thread ("acknowledged by @alice"). Counted in
 * `hub_push_deliveries_total{source="slack"}`: rejected (signature), ignored (refused), published. Slack shows a `block_actions`
 * answer only when it is posted to the payload's `response_url`, so the same text goes there too.
 */
@Controller('v1/webhooks/slack')
export class SlackInteractionsController {
  private readonly logger = new Logger(SlackInteractionsController.name);
  private readonly metrics = new PushMetrics();

  constructor(
    @Inject(SlackSignature) private readonly signature: SlackSignature,
    @Inject(DecisionAuthority) private readonly authority: DecisionAuthority,
    @Inject(DecisionPublisher) private readonly decisions: DecisionPublisher,
  ) {}

  @Post('interactions')
  @SignedRoute()
  @HttpCode(200)
  async interaction(@Req() request: FastifyRequest): Promise<Ephemeral | ''> {
    try {
      this.signature.verify(pushRequestOf(request));
    } catch (error) {
      this.metrics.count('slack', 'rejected');
      throw error;
    }
    const form = (request.body ?? {}) as Record<string, unknown>;
    const parsed = payloadSchema.safeParse(typeof form.payload === 'string' ? safeJson(form.payload) : undefined);
    if (!parsed.success) return ephemeral('The hub could not read this interaction (no block_actions payload).');
    const answer = await this.decide(parsed.data);
    if (answer && parsed.data.response_url) void this.respond(parsed.data.response_url, answer);
    return answer;
  }

  private async decide(payload: z.output<typeof payloadSchema>): Promise<Ephemeral | ''> {
    const { user, actions, type } = payload;
    const action = actions[0];
    const button = action && (DECISION_BUTTONS as Record<string, DecisionButton>)[action.action_id];
    if (type !== 'block_actions' || !action || !button || !action.value) return '';
    const names = [user.username, user.name, user.id].filter((n): n is string => !!n);
    const refused = await this.authority.refusal({ decision: button.decision, id: action.value }, names);
    this.metrics.count('slack', refused ? 'ignored' : 'published');
    if (refused) {
      this.logger.warn({ msg: 'Slack click refused', user: user.id, action: action.action_id, reason: refused.reason });
      return ephemeral(`Not done: ${refused.reason}.`);
    }
    const by = names[0]!;
    const target =
      button.decision === 'approve' || button.decision === 'deny'
        ? { approvalId: action.value }
        : { incidentId: action.value };
    await this.decisions.publish({
      decision: button.decision,
      ...target,
      ...(button.silenceForMs ? { silenceForMs: button.silenceForMs } : {}),
      by,
      via: 'slack',
    });
    return ephemeral(`${button.label}: done as @${by} — the thread shows it in a moment.`);
  }

  /** Posts the answer to Slack's `response_url` (where Slack takes it for `block_actions`); a failure is only logged. */
  private async respond(url: string, answer: Ephemeral): Promise<void> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(answer),
        signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      this.logger.warn({ msg: 'Slack response_url not answered', error: (error as Error).message });
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
