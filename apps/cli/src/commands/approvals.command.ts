import { type CommandGroup } from '../command.js';
import { gateway } from '../gateway.client.js';
import { who } from '../options.js';

/** `hub approve <id>` / `hub deny <id>`: decides a waiting approval (`POST /v1/approvals/{id}`). */
function decisionCommand(decision: 'approve' | 'deny'): CommandGroup {
  return {
    name: decision,
    summary: `${decision} a remediation waiting for approval`,
    define(group, { io, action }) {
      action(
        group
          .argument('<id>', 'the approval id (in the Slack thread, or GET /v1/approvals?state=waiting)')
          .option('--by <user>', 'who decides: one of the approvers (default $HUB_USER or $USER)')
          .option('--reason <text>', 'why'),
        async (id: string, o: { by?: string; reason?: string }) => {
          const body = { decision, by: who(io, o.by), via: 'cli', ...(o.reason ? { reason: o.reason } : {}) };
          await gateway(io, `/v1/approvals/${encodeURIComponent(id)}`, { method: 'POST', body });
          io.out(`${decision === 'approve' ? 'approved' : 'denied'} ${id} as ${body.by}; the sensor applies it`);
          return 0;
        },
      );
    },
  };
}

export const approveCommand = decisionCommand('approve');
export const denyCommand = decisionCommand('deny');
