import { readFileSync } from 'node:fs';

const MB = 1024 * 1024;

/**
 * Young generation: each of its two semi-spaces at most this many MB (Node 20's default is 16,
 * 32 MB of RSS per process). A service's deliveries are small and short-lived: 8 keeps them
 * dying young at half the memory.
 */
export const SEMI_SPACE_MB = 8;

/** Old space without a container limit (`npm start`, the bench): room for twice a service's live heap. */
export const DEFAULT_OLD_SPACE_MB = 160;

/** Share of the container's memory limit the old space may take; the rest is code, buffers, young space. */
export const OLD_SPACE_SHARE = 0.5;

/**
 * The memory limit of the container this process runs in (cgroup v2 `memory.max`, else cgroup v1
 * `memory.limit_in_bytes`), or undefined when there is none.
 */
export function containerMemoryLimit(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): number | undefined {
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    let text: string;
    try {
      text = read(path).trim();
    } catch {
      continue; // not this cgroup version
    }
    const bytes = Number(text);
    // `max` (v2) or a page-rounded 2^63 (v1) mean no limit.
    return text !== 'max' && Number.isFinite(bytes) && bytes > 0 && bytes < 2 ** 50 ? bytes : undefined;
  }
  return undefined;
}

/**
 * The V8 heap flags every hub service starts with (`scripts/start.mjs`, `scripts/dev.mjs`, the
 * image's entrypoint, the bench). Without them V8 lets a busy service's old space grow to about
 * four times its live heap before it collects (the notifier: 85 MB live, 313 MB of heap after a
 * backlog) and keeps that memory. Capped at half the container limit (256 MB of a 512 Mi pod),
 * or {@link DEFAULT_OLD_SPACE_MB} without one. A flag the operator sets in `NODE_OPTIONS` is left
 * to it (the command line would override `NODE_OPTIONS`).
 */
export function serviceNodeFlags(
  limitBytes: number | undefined = containerMemoryLimit(),
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): string[] {
  const oldSpaceMb =
    limitBytes === undefined ? DEFAULT_OLD_SPACE_MB : Math.max(96, Math.floor((limitBytes / MB) * OLD_SPACE_SHARE));
  return [`--max-semi-space-size=${SEMI_SPACE_MB}`, `--max-old-space-size=${oldSpaceMb}`].filter(
    (flag) => !nodeOptions.includes(flag.slice(0, flag.indexOf('='))),
  );
}
