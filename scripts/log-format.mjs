// Turns one pino JSON log line into a short readable line for the terminal.
const colours = { trace: 90, debug: 90, info: 36, warn: 33, error: 31, fatal: 35 };
const skip = new Set(['level', 'time', 'service', 'msg', 'context', 'pid', 'hostname']);

export function formatLogLine(prefix, line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return `${prefix} | ${line}`;
  }
  if (typeof entry !== 'object' || entry === null || !('level' in entry)) return `${prefix} | ${line}`;
  const colour = colours[entry.level] ?? 0;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const extra = Object.entries(entry)
    .filter(([key, value]) => !skip.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const context = entry.context ? `[${entry.context}] ` : '';
  return `${prefix} | ${time} \x1b[${colour}m${String(entry.level).padEnd(5)}\x1b[0m ${context}${entry.msg ?? ''}${extra ? `  ${extra}` : ''}`;
}
