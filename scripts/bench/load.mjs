// Load generation and statistics shared by the bench suites.
import { readFileSync } from 'node:fs';

/**
 * Counters a progress line reads while a case runs: webhooks sent (offered), answered 202
 * (accepted) and refused (any other answer, 503 included, or a failed request).
 */
export function loadStats() {
  return { offered: 0, accepted: 0, refused: 0, refusals: {} };
}

/** Counts one answer: 202 is accepted, anything else (a status, or `error` for no answer) refused. */
function count(stats, status) {
  if (status === 202) {
    stats.accepted++;
    return;
  }
  stats.refused++;
  stats.refusals[status] = (stats.refusals[status] ?? 0) + 1;
}

/** `77 (503: 70, error: 7)`: the refusals of a case by status. */
export function refusals(stats) {
  const by = Object.entries(stats.refusals).map(([status, n]) => `${status}: ${n}`);
  return by.length ? `${stats.refused} (${by.join(', ')})` : `${stats.refused}`;
}

/** Sends `rate` webhooks per second for `seconds`, each alert for its own app (its own incident). */
export async function fixedRate({ url, token, rate, seconds, runId, sent, stats = loadStats() }) {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    stats.offered++;
    inflight.push(
      post(url, token, `${runId}-${i}`, sent).then(
        (status) => count(stats, status),
        () => count(stats, 'error'),
      ),
    );
  }
  await Promise.all(inflight);
  return { accepted: stats.accepted, refused: stats.refused, elapsed: (performance.now() - start) / 1000 };
}

/**
 * `connections` clients posting back to back for `seconds` (or until `limit` requests were sent).
 * `appOf(n)` names the app of the n-th request (default: its own, a new incident each) and
 * `receiverOf(n)` its Alertmanager receiver (default: the example's).
 */
export async function saturate({
  url,
  token,
  connections,
  seconds,
  runId,
  sent,
  stats = loadStats(),
  limit,
  appOf,
  receiverOf,
}) {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end && (limit === undefined || n < limit)) {
        const i = n++;
        stats.offered++;
        const status = await post(url, token, appOf ? appOf(i) : `${runId}-${i}`, sent, receiverOf?.(i)).catch(
          () => 'error',
        );
        count(stats, status);
      }
    }),
  );
  return { accepted: stats.accepted, refused: stats.refused, elapsed: (performance.now() - start) / 1000 };
}

const template = JSON.parse(
  readFileSync(new URL('../../examples/alertmanager/argocd-unhealthy.json', import.meta.url), 'utf8'),
);

async function post(url, token, app, sent, receiver) {
  const body = structuredClone(template);
  if (receiver) body.receiver = receiver;
  for (const alert of body.alerts) {
    alert.labels = { ...alert.labels, name: app };
    alert.fingerprint = app;
  }
  if (!sent.has(app)) sent.set(app, performance.now());
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

export function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
  return { p50: Math.round(at(0.5)), p99: Math.round(at(0.99)), max: Math.round(sorted.at(-1) ?? NaN) };
}

export function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return NaN;
  }
}

/**
 * Waits until `count()` reaches `expected`, or until nothing happened for `idleMs`: neither
 * `count()` nor `activity()` (any other sign of work, e.g. calls to the fakes) changed. What is
 * missing then is reported as not completed. Prints `progress()` every `everyMs`.
 */
export async function settle(count, expected, idleMs = 60_000, progress, everyMs = 3_000, activity = () => 0) {
  let last = `${count()} ${activity()}`;
  let lastChange = performance.now();
  let lastPrint = performance.now();
  while (count() < expected && performance.now() - lastChange < idleMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = `${count()} ${activity()}`;
    if (now !== last) {
      last = now;
      lastChange = performance.now();
    }
    if (progress && performance.now() - lastPrint >= everyMs) {
      progress();
      lastPrint = performance.now();
    }
  }
}

/** Calls `print()` every `everyMs` until the returned function is called. */
export function every(everyMs, print) {
  const timer = setInterval(print, everyMs);
  return () => clearInterval(timer);
}

/** CPU time (user + system) a process has used so far, in milliseconds (10 ms resolution). */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * CPU time (ms) of a server made of a parent and its worker processes (PostgreSQL's postmaster and
 * backends): the parent's own, its children that ended (reaped: `cutime`/`cstime`), and the ones
 * alive now. NaN when the parent is not on this machine or not readable.
 */
export function serverCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const reaped = (Number(fields[13]) + Number(fields[14])) * 10;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean);
    return cpuMs(pid) + reaped + children.reduce((sum, child) => sum + (cpuMs(child) || 0), 0);
  } catch {
    return NaN;
  }
}

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid) {
  return Math.round(cpuMs(pid) / 1000);
}

/**
 * `--cpu-prof` arguments when `BENCH_CPU_PROF=<dir>` is set: the process writes a V8 CPU profile
 * into `<dir>/<name>/` when it exits (`node scripts/bench/profile-top.mjs <dir>` summarises them).
 */
export function cpuProfileArgs(name) {
  const dir = process.env.BENCH_CPU_PROF;
  return dir && name ? ['--cpu-prof', `--cpu-prof-dir=${dir}/${name}`] : [];
}
