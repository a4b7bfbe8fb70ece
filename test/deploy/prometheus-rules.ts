import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CHART_DIR } from './deploy-files.js';
import { type K8sObject, renderChart } from './helm-render.js';
import { metricNames } from './promql.js';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** The scenario with every alert rendered: prometheus-operator, an Ingress with a TLS certificate. */
export const PRODUCTION_VALUES = join(CHART_DIR, 'ci/production-values.yaml');

/** The chart's PrometheusRule objects, rendered with the given values files (and inline values). */
export function prometheusRules(valuesFiles: string[] = [], inline?: string): K8sObject[] {
  return renderChart(valuesFiles, inline).filter((object) => object.kind === 'PrometheusRule');
}

/** The rule groups of the production scenario's PrometheusRule. */
export function productionRuleGroups(): RuleGroup[] {
  const [rule] = prometheusRules([PRODUCTION_VALUES]);
  return (rule?.spec as { groups: RuleGroup[] } | undefined)?.groups ?? [];
}

/** Metric name → the alerts that query it. */
export function ruleMetrics(groups: RuleGroup[] = productionRuleGroups()): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const { name: group, rules } of groups) {
    for (const rule of rules) {
      for (const name of metricNames(rule.expr)) {
        used.set(name, [...(used.get(name) ?? []), `${group} / ${rule.alert}`]);
      }
    }
  }
  return used;
}

/** Runs Debian's promtool (package `prometheus`, installed by .ci/run); throws when it is missing. */
export function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    throw new Error(`promtool is not available (apt-get install prometheus): ${result.error.message}`);
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
