// Load generation and statistics shared by the bench suites.
import { readFileSync } from 'node:fs';

/** Sends `rate` webhooks per second for `seconds`, each alert for its own app (its own incident). */
export async function fixedRate({ url, token, rate, seconds, runId, sent }) {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const inflight = [];
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(
      post(url, token, `${runId}-${i}`, sent).then(
        (ok) => (ok ? accepted++ : refused++),
        () => refused++,
      ),
    );
  }
  await Promise.all(inflight);
  return { accepted, refused, elapsed: (performance.now() - start) / 1000 };
}

/** `connections` clients posting back to back for `seconds`. */
export async function saturate({ url, token, connections, seconds, runId, sent }) {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  let accepted = 0;
  let refused = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const ok = await post(url, token, `${runId}-${n++}`, sent).catch(() => false);
        if (ok) accepted++;
        else refused++;
      }
    }),
  );
  return { accepted, refused, elapsed: (performance.now() - start) / 1000 };
}

const template = JSON.parse(
  readFileSync(new URL('../../examples/alertmanager/argocd-unhealthy.json', import.meta.url), 'utf8'),
);

async function post(url, token, app, sent) {
  const body = structuredClone(template);
  for (const alert of body.alerts) {
    alert.labels = { ...alert.labels, name: app };
    alert.fingerprint = app;
  }
  sent.set(app, performance.now());
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status === 202;
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

/** Waits until `done()` or until nothing new completed for `idleMs`. */
export async function settle(count, expected, idleMs = 5_000) {
  let last = count();
  let lastChange = performance.now();
  while (count() < expected && performance.now() - lastChange < idleMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (count() !== last) {
      last = count();
      lastChange = performance.now();
    }
  }
}

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Math.round((Number(fields[11]) + Number(fields[12])) / 100);
  } catch {
    return NaN;
  }
}

/**
 * `--cpu-prof` arguments when `BENCH_CPU_PROF=<dir>` is set: the process writes a V8 CPU profile
 * into `<dir>/<name>/` when it exits (`node scripts/bench/profile-top.mjs <dir>` summarises them).
 */
export function cpuProfileArgs(name) {
  const dir = process.env.BENCH_CPU_PROF;
  return dir && name ? ['--cpu-prof', `--cpu-prof-dir=${dir}/${name}`] : [];
}
