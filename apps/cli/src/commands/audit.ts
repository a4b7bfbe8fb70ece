import { access } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { verifyAuditLog } from '@hub/siem-forwarder/audit-chain';
import { type CommandGroup, UsageError } from '../command.js';

const USAGE = `Usage: hub audit verify [file]

  verify [file]   Re-computes the hash chain of the SIEM forwarder's local audit log and names the
                  first line that was edited, removed or reordered. Exit code 0 intact, 1 broken.
                  Default file: $HUB_DATA_DIR/audit/audit.jsonl (HUB_DATA_DIR defaults to ./data).

Example:
  hub audit verify data/audit/audit.jsonl`;

/** `hub audit …`: checks of the tamper-evident audit log (docs/siem.md). */
export const auditCommands: CommandGroup = {
  name: 'audit',
  summary: 'verify the hash chain of the local audit log',
  usage: USAGE,
  async run(args, io) {
    const [command, file, ...extra] = args;
    if (command !== 'verify')
      throw new UsageError(command ? `unknown sub-command "${command}"` : 'missing sub-command');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    const path = file ?? join(io.env.HUB_DATA_DIR ?? './data', 'audit', 'audit.jsonl');
    const absolute = isAbsolute(path) ? path : resolve(io.cwd, path);
    const exists = await access(absolute).then(
      () => true,
      () => false,
    );
    if (!exists) {
      io.err(`hub audit: ${path}: no such file`);
      return 1;
    }
    const verdict = await verifyAuditLog(absolute);
    if (verdict.ok) {
      io.out(`${path}: intact, ${verdict.records} record(s) in an unbroken hash chain`);
      return 0;
    }
    io.err(`${path}:${verdict.brokenAt}: chain broken at line ${verdict.brokenAt}: ${verdict.problem}`);
    return 1;
  },
};
