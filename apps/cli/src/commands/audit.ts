import { access, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { AuditKeyRequiredError, verifyAuditLog } from '@hub/siem-forwarder/audit-chain';
import { InvalidArgumentError } from 'commander';
import { type CommandGroup, type CommandIo, UsageError } from '../command.js';

interface Options {
  keyFile?: string;
  checkpoint?: { seq: number; hash: string };
}

/** `hub audit …`: checks of the tamper-evident audit log (docs/siem.md). */
export const auditCommands: CommandGroup = {
  name: 'audit',
  summary: 'verify the hash chain of the local audit log',
  define(group, { io, action }) {
    action(
      group
        .command('verify')
        .description(
          'Re-computes the hash chain of the SIEM forwarder’s local audit log, streaming (memory stays flat; progress every second on stderr), and names the first file and line that was edited, removed or reordered. Exit code 0 intact, 1 broken.',
        )
        .argument(
          '[path]',
          'the audit directory (rotated files and the current one, in chain order), the current file audit.jsonl (same), or one rotated file (checked on its own); default $HUB_DATA_DIR/audit',
        )
        .option(
          '--key-file <file>',
          'the HMAC key of a keyed log (default: $HUB_AUDIT_KEY); a record not keyed with it breaks the chain',
        )
        .option(
          '--checkpoint <seq:hash>',
          'the latest audit.checkpoint record in your SIEM: the chain must hold it, so a cut tail shows',
          checkpointOf,
        )
        .addHelpText('after', '\nExample:\n  hub audit verify data/audit --checkpoint=12000:6f1c…'),
      (path: string | undefined, options: Options) => verify(path, options, io),
    );
  },
};

function checkpointOf(value: string): { seq: number; hash: string } {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(value);
  if (!match) throw new InvalidArgumentError('must be SEQ:HASH (the seq and 64-hex hash of a checkpoint)');
  return { seq: Number(match[1]), hash: match[2]! };
}

async function verify(given: string | undefined, options: Options, io: CommandIo): Promise<number> {
  const path = given ?? join(io.env.HUB_DATA_DIR ?? './data', 'audit');
  const absolute = isAbsolute(path) ? path : resolve(io.cwd, path);
  const exists = await access(absolute).then(
    () => true,
    () => false,
  );
  if (!exists) {
    io.err(`hub audit: ${path}: no such file or directory`);
    return 1;
  }
  const key = options.keyFile
    ? (await readFile(resolve(io.cwd, options.keyFile), 'utf8')).trim()
    : io.env.HUB_AUDIT_KEY || undefined;
  const shown = (file?: string) => (file ? relative(io.cwd, file) || file : path);
  try {
    const verdict = await verifyAuditLog(absolute, {
      key,
      checkpoint: options.checkpoint,
      onProgress: ({ records, bytes, file }) =>
        io.err(`verified ${records} record(s), ${(bytes / 1024 / 1024).toFixed(1)} MiB, now in ${shown(file)}`),
    });
    if (verdict.ok) {
      const kind = key ? 'keyed (HMAC-SHA256) chain' : 'hash chain';
      const head = verdict.head ? `; head seq ${verdict.head.seq} ${verdict.head.hash}` : '';
      const held = options.checkpoint ? `, holding checkpoint seq ${options.checkpoint.seq}` : '';
      io.out(`${path}: intact, ${verdict.records} record(s) in an unbroken ${kind}${held}${head}`);
      return 0;
    }
    const where = verdict.brokenAt ? `${shown(verdict.file)}:${verdict.brokenAt}` : shown(verdict.file);
    const at = verdict.brokenAt ? `chain broken at line ${verdict.brokenAt}` : 'chain incomplete';
    io.err(`${where}: ${at}: ${verdict.problem}`);
    return 1;
  } catch (error) {
    if (error instanceof AuditKeyRequiredError) throw new UsageError(error.message);
    throw error;
  }
}
