/** Grafana settings for the "view trace" link. */
export interface GrafanaLinkOptions {
  /** `GRAFANA_URL`; no URL, no link. */
  readonly url?: string;
  /** The uid of the Tempo data source in that Grafana. */
  readonly tempoDatasource: string;
}

const HOUR_MS = 3_600_000;

/**
 * A Grafana Explore link that opens the trace `traceId` in Tempo (TraceQL query = the trace id),
 * with a time range of an hour either side of `at` so the link still works days later.
 */
export function grafanaTraceUrl(
  options: GrafanaLinkOptions,
  traceId: string | undefined,
  at: string,
): string | undefined {
  if (!options.url || !traceId) return undefined;
  const time = Date.parse(at);
  const center = Number.isNaN(time) ? Date.now() : time;
  const datasource = options.tempoDatasource;
  const panes = {
    trace: {
      datasource,
      queries: [{ refId: 'A', datasource: { type: 'tempo', uid: datasource }, queryType: 'traceql', query: traceId }],
      range: { from: String(center - HOUR_MS), to: String(center + HOUR_MS) },
    },
  };
  return `${options.url.replace(/\/+$/, '')}/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}
