import { access, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { AuditKeyRequiredError, verifyAuditLog } from '@hub/siem-forwarder/audit-chain';
import { type CommandGroup, UsageError } from '../command.js';

const USAGE = `Usage: hub audit verify [path] [--key-file=FILE] [--checkpoint=SEQ:HASH]

  verify [path]   Re-computes the hash chain of the SIEM forwarder's local audit log, streaming
                  (memory stays flat; progress every second on stderr), and names the first file
                  and line that was edited, removed or reordered. Exit code 0 intact, 1 broken.
                  path: the audit directory (rotated files and the current one, in chain order),
                  the current file audit.jsonl (same), or one rotated file (checked on its own).
                  Default: $HUB_DATA_DIR/audit (HUB_DATA_DIR defaults to ./data).

  --key-file=FILE        The HMAC key of a keyed log (default: $HUB_AUDIT_KEY). With a key, a
                         record that is not keyed with it breaks the chain: a log rewritten by
                         someone without the key does not verify.
  --checkpoint=SEQ:HASH  The latest audit.checkpoint record in your SIEM: the chain must hold that
                         record, so a tail cut from the log (or a rewrite before it) shows.

Example:
  hub audit verify data/audit --checkpoint=12000:6f1c…`;

interface Options {
  path?: string;
  keyFile?: string;
  checkpoint?: { seq: number; hash: string };
}

/** `hub audit …`: checks of the tamper-evident audit log (docs/siem.md). */
export const auditCommands: CommandGroup = {
  name: 'audit',
  summary: 'verify the hash chain of the local audit log',
  usage: USAGE,
  async run(args, io) {
    const [command, ...rest] = args;
    if (command !== 'verify')
      throw new UsageError(command ? `unknown sub-command "${command}"` : 'missing sub-command');
    const options = parseOptions(rest);
    const path = options.path ?? join(io.env.HUB_DATA_DIR ?? './data', 'audit');
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
  },
};

function parseOptions(args: readonly string[]): Options {
  const options: Options = {};
  for (const arg of args) {
    const [flag, value] = arg.startsWith('--') ? splitFlag(arg) : [undefined, arg];
    if (flag === undefined) {
      if (options.path !== undefined) throw new UsageError(`unexpected argument: ${arg}`);
      options.path = value;
    } else if (flag === '--key-file') {
      if (!value) throw new UsageError('--key-file needs a file: --key-file=FILE');
      options.keyFile = value;
    } else if (flag === '--checkpoint') {
      const match = /^(\d+):([0-9a-f]{64})$/.exec(value ?? '');
      if (!match) throw new UsageError('--checkpoint must be SEQ:HASH (the seq and 64-hex hash of a checkpoint)');
      options.checkpoint = { seq: Number(match[1]), hash: match[2]! };
    } else {
      throw new UsageError(`unknown option ${flag}`);
    }
  }
  return options;
}

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals === -1 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}
