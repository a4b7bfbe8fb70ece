const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `date` in `timeZone` as `YYYY-MM-DDTHH:mm:ss`. */
function wallClock(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    formatOf(timeZone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** The calendar day of `date` in `timeZone` (`YYYY-MM-DD`), what exclusion dates compare with. */
export function localDateOf(date: Date, timeZone: string): string {
  return wallClock(date, timeZone).slice(0, 10);
}

/** `date` as ISO 8601 local time with its UTC offset in `timeZone` (`2026-03-29T03:30:00+02:00`). */
export function zonedIso(date: Date, timeZone: string): string {
  const local = wallClock(date, timeZone);
  const seconds = Math.floor(date.getTime() / 1_000) * 1_000;
  const offsetMinutes = Math.round((Date.parse(`${local}Z`) - seconds) / 60_000);
  if (offsetMinutes === 0 && timeZone === 'UTC') return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
