import { grafanaTraceUrl } from './trace-link.js';

describe(grafanaTraceUrl.name, () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('opens the trace in Grafana Explore with a Tempo query, an hour either side of the event', () => {
    const url = new URL(
      grafanaTraceUrl(
        { url: 'https://grafana.example/', tempoDatasource: 'tempo-uid' },
        traceId,
        '2025-01-01T12:00:00Z',
      )!,
    );
    expect(url.origin + url.pathname).toBe('https://grafana.example/explore');
    const panes = JSON.parse(url.searchParams.get('panes')!) as Record<string, { queries: unknown[]; range: unknown }>;
    expect(Object.values(panes)[0]).toEqual({
      datasource: 'tempo-uid',
      queries: [{ refId: 'A', datasource: { type: 'tempo', uid: 'tempo-uid' }, queryType: 'traceql', query: traceId }],
      range: { from: String(Date.parse('2025-01-01T11:00:00Z')), to: String(Date.parse('2025-01-01T13:00:00Z')) },
    });
  });

  it('gives no link without GRAFANA_URL or without a trace', () => {
    expect(grafanaTraceUrl({ tempoDatasource: 'tempo' }, traceId, '2025-01-01T12:00:00Z')).toBeUndefined();
    expect(
      grafanaTraceUrl({ url: 'https://g', tempoDatasource: 'tempo' }, undefined, '2025-01-01T12:00:00Z'),
    ).toBeUndefined();
  });
});
