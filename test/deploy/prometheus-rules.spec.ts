import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CHART_DIR, readYaml } from './deploy-files.js';
import {
  PRODUCTION_VALUES,
  productionRuleGroups,
  prometheusRules,
  promtool,
  type RuleGroup,
} from './prometheus-rules.js';

const RULE_TESTS = new URL('rules/hub-rules.test.yaml', import.meta.url).pathname;

/** Writes the groups as a Prometheus rule file beside a copy of the promtool test cases. */
function ruleDir(groups: RuleGroup[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'hub-rules-'));
  writeFileSync(join(dir, 'hub.rules.yaml'), stringify({ groups }));
  copyFileSync(RULE_TESTS, join(dir, 'hub-rules.test.yaml'));
  return dir;
}

describe('the PrometheusRule of the chart', () => {
  let dir: string;
  let groups: RuleGroup[];

  beforeAll(() => {
    groups = productionRuleGroups();
    dir = ruleDir(groups);
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is off by default and carries the labels the Prometheus selects rules by', () => {
    expect(prometheusRules()).toEqual([]);
    const [rule] = prometheusRules([PRODUCTION_VALUES]);
    expect(rule?.metadata.labels).toMatchObject({
      release: 'kube-prometheus-stack',
      'app.kubernetes.io/part-of': 'hub',
    });
  });

  it('watches what the issue names: services, consumers, dead letters, publishes, SIEM, schedules, incidents, certificate', () => {
    expect(groups.flatMap((g) => g.rules.map((r) => r.alert)).sort()).toEqual([
      'HubDeadLetterQueueGrowing',
      'HubGatewayCertificateExpiring',
      'HubIncidentStuckRemediating',
      'HubMessagesDeadLettered',
      'HubParkingQueueFilling',
      'HubPublishFailures',
      'HubQueueWithoutConsumer',
      'HubSchedulePublishFailures',
      'HubScheduleSlotsMissed',
      'HubServiceDown',
      'HubSiemBacklog',
      'HubSiemDeliveryFailing',
      'HubSourceDisconnected',
    ]);
    for (const rule of groups.flatMap((g) => g.rules)) {
      expect(rule.labels.severity, rule.alert).toMatch(/^(warning|critical)$/);
      expect(rule.labels.team, rule.alert).toBe('platform'); // prometheusRule.alertLabels
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
    }
  });

  it('passes promtool check rules', () => {
    const { status, output } = promtool(['check', 'rules', 'hub.rules.yaml'], dir);
    expect(output).toMatch(/SUCCESS: 13 rules found/);
    expect(status, output).toBe(0);
  });

  it('passes promtool test rules (test/deploy/rules/hub-rules.test.yaml)', () => {
    const { status, output } = promtool(['test', 'rules', 'hub-rules.test.yaml'], dir);
    expect(status, output).toBe(0);
  });

  it('fails promtool test rules when an alert loses its threshold (the cases can fail)', () => {
    const loose = groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => (r.alert === 'HubSiemBacklog' ? { ...r, expr: r.expr.replace('> 1000', '> 0') } : r)),
    }));
    const looseDir = ruleDir(loose);
    try {
      const { status, output } = promtool(['test', 'rules', 'hub-rules.test.yaml'], looseDir);
      expect(output).toMatch(/alertname: HubSiemBacklog/);
      expect(status).not.toBe(0);
    } finally {
      rmSync(looseDir, { recursive: true, force: true });
    }
  });

  it('selects exactly the queues of the enabled services, and thresholds from the values', () => {
    const values = readYaml<{ services: Record<string, { queue?: string }> }>(join(CHART_DIR, 'values.yaml'));
    const queues = Object.values(values.services)
      .map((s) => s.queue)
      .filter(Boolean)
      .sort();
    const consumerRule = groups.flatMap((g) => g.rules).find((r) => r.alert === 'HubQueueWithoutConsumer')!;
    // A service queue or one of its partitions.
    expect(/queue=~"\(([^"]+)\)\(\\\\\.p\[0-9\]\+\)\?"/.exec(consumerRule.expr)?.[1]?.split('|')).toEqual(queues);

    const [tuned] = prometheusRules(
      [PRODUCTION_VALUES],
      'services:\n  ticketing: { enabled: false }\nprometheusRule:\n  siemBacklog: 50\n  stuckRemediatingMinutes: 5\n',
    );
    const rules = (tuned!.spec as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules);
    const expr = (alert: string) => rules.find((r) => r.alert === alert)!.expr;
    expect(expr('HubQueueWithoutConsumer')).not.toContain('ticketing');
    expect(expr('HubSiemBacklog')).toMatch(/> 50$/);
    expect(expr('HubIncidentStuckRemediating')).toMatch(/> 300$/);
  });

  it('leaves the certificate alert out when the Ingress has no TLS certificate', () => {
    const [plain] = prometheusRules([], 'prometheusRule: { enabled: true }\n');
    const alerts = (plain!.spec as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).not.toContain('HubGatewayCertificateExpiring');
    expect(alerts).toContain('HubServiceDown');
  });
});
