import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, ROOT } from './deploy-files.js';
import { metricNames } from './promql.js';

export const DASHBOARD_DIR = join(ROOT, 'grafana/dashboards');

interface Target {
  expr?: string;
  datasource?: { type?: string };
}
interface Panel {
  title?: string;
  datasource?: { type?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  datasource?: { type?: string };
  query?: string | { query?: string };
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

export function dashboards(): Dashboard[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => readJson<Dashboard>(join(DASHBOARD_DIR, file)));
}

/** Every Prometheus query of a dashboard (panel targets and query variables), with where it is. */
export function prometheusQueries(dashboard: Dashboard): { where: string; expr: string }[] {
  const isProm = (source?: { type?: string }) => source?.type === 'prometheus';
  const panels = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
  const fromPanels = panels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((t) => t.expr !== undefined && (isProm(t.datasource) || (!t.datasource && isProm(panel.datasource))))
      .map((t) => ({ where: `${dashboard.uid} / ${panel.title}`, expr: t.expr! })),
  );
  const fromVariables = dashboard.templating.list
    .filter((v) => v.type === 'query' && isProm(v.datasource))
    .map((v) => ({
      where: `${dashboard.uid} / variable`,
      expr: (typeof v.query === 'string' ? v.query : (v.query?.query ?? '')).replace(
        /^label_values\((.*),[^,]*\)$/,
        '$1',
      ),
    }));
  return [...fromPanels, ...fromVariables];
}

/** Metric name → the dashboard panels that query it. */
export function dashboardMetrics(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const dashboard of dashboards()) {
    for (const { where, expr } of prometheusQueries(dashboard)) {
      for (const name of metricNames(expr)) used.set(name, [...(used.get(name) ?? []), where]);
    }
  }
  return used;
}
