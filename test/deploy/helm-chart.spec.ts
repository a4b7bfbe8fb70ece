import { readdirSync, readFileSync } from 'node:fs';
import { type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { type IContainer } from 'kubernetes-models/v1/Container';
import { type IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { join } from 'node:path';
import { CHART_DIR, mergeValues, type Plain, readYaml, serviceApps } from './deploy-files.js';
import { type K8sObject, RenderError, renderChart } from './helm-render.js';
import { kubernetesErrors } from './kubernetes-schemas.js';
import { valuesSchemaErrors } from './values-schema.js';

interface ServiceValues {
  enabled: boolean;
  port: number;
  queue: string;
  partitioned: boolean;
  singleton: boolean;
  autoscaling: { enabled: boolean; mode: 'keda' | 'hpa' };
  pdb: { enabled: boolean };
}

const defaults = readYaml<Plain>(join(CHART_DIR, 'values.yaml'));
/** The default values, then every scenario values file under helm/hub/ci (label, file). */
const scenarios: [string, string | undefined][] = [
  ['defaults', undefined],
  ...readdirSync(join(CHART_DIR, 'ci'))
    .filter((file) => file.endsWith('.yaml'))
    .map((file): [string, string] => [`ci/${file}`, join(CHART_DIR, 'ci', file)]),
];

/** Each service's effective settings: serviceDefaults under its own entry, as the chart merges them. */
function servicesOf(values: Plain): Map<string, ServiceValues> {
  const services = values.services as Record<string, Plain>;
  return new Map(
    Object.keys(services).map((name) => [
      name,
      mergeValues(values.serviceDefaults as Plain, services[name] ?? {}) as unknown as ServiceValues,
    ]),
  );
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

function deploymentOf(objects: K8sObject[], name: string): IDeployment {
  const deployment = find(objects, 'Deployment', name);
  if (!deployment) throw new Error(`no Deployment ${name}`);
  return deployment as unknown as IDeployment;
}

function podSpec(workload: K8sObject | IDeployment): IPodSpec {
  return (workload as unknown as IDeployment).spec!.template.spec!;
}

function envOf(container: IContainer): Map<string, NonNullable<IContainer['env']>[number]> {
  return new Map((container.env ?? []).map((e) => [e.name, e]));
}

/** The Deployment a ScaledObject or HorizontalPodAutoscaler scales. */
function scaleTarget(object: K8sObject): string {
  return (object.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name;
}

describe('helm/hub', () => {
  it('has an entry in services for every app with a main.ts', () => {
    const entries = Object.keys(defaults.services as Plain);
    expect(serviceApps().filter((app) => !entries.includes(app))).toEqual([]);
  });

  it('catches manifests the Kubernetes schemas reject, and kinds it has no schema for', () => {
    const [deployment] = renderChart([], 'services:\n  sensor: { enabled: true }\n').filter(
      (o) => o.kind === 'Deployment',
    );
    expect(kubernetesErrors(deployment!)).toEqual([]);
    expect(kubernetesErrors({ ...deployment!, spec: { ...deployment!.spec, replicas: 'two' } })).toEqual([
      expect.stringMatching(/spec\/replicas must be integer/),
    ]);
    expect(kubernetesErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget/w: no schema for example.com/v1 Widget',
    ]);
  });

  it('documents every value of values.schema.json in the README values table', () => {
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    const leaves = (node: Plain, path: string[]): string[] => {
      const properties = node.properties as Record<string, Plain> | undefined;
      if (!properties || path.join('.') === 'services') return [path.join('.')];
      return Object.entries(properties).flatMap(([key, child]) => leaves(child, [...path, key]));
    };
    const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as Plain;
    expect(leaves(schema, []).filter((key) => !readme.includes(`| \`${key}\` |`))).toEqual([]);
  });

  it('rejects values that break values.schema.json', () => {
    const bad = mergeValues(defaults, {
      services: { sensor: { autoscaling: { mode: 'sometimes' } }, 'Bad Name': { port: 1 } },
      unknownKey: true,
    });
    const errors = valuesSchemaErrors(bad);
    expect(errors.join('\n')).toMatch(/autoscaling\/mode must be equal to one of the allowed values/);
    expect(errors.join('\n')).toMatch(/must NOT have additional properties/);
    expect(errors.join('\n')).toMatch(/property name must be valid/);
  });

  it('refuses to render a second scheduler replica or KEDA without a queue, saying why', () => {
    expect(() => renderChart([], 'services:\n  scheduler:\n    replicas: 2\n')).toThrow(
      /services.scheduler is a singleton/,
    );
    expect(() =>
      renderChart([], 'services:\n  ingest-gateway:\n    autoscaling: { enabled: true, mode: keda }\n'),
    ).toThrow(/needs services.ingest-gateway.queue/);
    expect(() => renderChart([], "amqp: { existingSecret: '', url: '' }\n")).toThrow(RenderError);
  });

  it('gives every consumer a shutdown grace 10 s inside its pod’s terminationGracePeriodSeconds', () => {
    const check = (objects: K8sObject[], name: string, grace: string, period: number) => {
      const pod = podSpec(deploymentOf(objects, `hub-${name}`));
      expect(pod.terminationGracePeriodSeconds, name).toBe(period);
      expect(envOf(pod.containers[0]!).get('HUB_SHUTDOWN_GRACE')?.value, name).toBe(grace);
    };
    const defaults = renderChart();
    for (const name of ['sensor', 'remediation-executor', 'notifier', 'ticketing', 'siem-forwarder']) {
      check(defaults, name, '20s', 30);
    }
    expect(envOf(podSpec(deploymentOf(defaults, 'hub-ingest-gateway')).containers[0]!).has('HUB_SHUTDOWN_GRACE')).toBe(
      false,
    );
    check(renderChart([], 'services:\n  notifier: { terminationGracePeriodSeconds: 120 }\n'), 'notifier', '110s', 120);
  });

  it('keeps the audit log on a claim by default: one PVC kept on uninstall, Recreate, one replica', () => {
    const objects = renderChart();
    const claim = find(objects, 'PersistentVolumeClaim', 'hub-siem-forwarder-data');
    expect(claim?.metadata.annotations).toMatchObject({ 'helm.sh/resource-policy': 'keep' });
    expect(claim?.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
    const forwarder = deploymentOf(objects, 'hub-siem-forwarder');
    expect(forwarder.spec!.strategy).toEqual({ type: 'Recreate' });
    expect(podSpec(forwarder).volumes!.find((v) => v.name === 'data')).toEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'hub-siem-forwarder-data' },
    });
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim')).toHaveLength(1);
    // An existing claim wins and no claim is created.
    const existing = renderChart([], 'services:\n  siem-forwarder:\n    dataVolume: { existingClaim: audit }\n');
    expect(existing.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    expect(() => renderChart([], 'services:\n  siem-forwarder:\n    replicas: 2\n')).toThrow(
      /services.siem-forwarder.dataVolume.persistent makes one ReadWriteOnce claim/,
    );
  });

  it('never runs the gateway open by default: tokens from a Secret, generated when none is given', () => {
    const gatewayEnv = (objects: K8sObject[]) =>
      envOf(podSpec(deploymentOf(objects, 'hub-ingest-gateway')).containers[0]!);
    // Defaults: the chart makes a Secret with one random token and the gateway reads it.
    const defaults = renderChart();
    const generated = find(defaults, 'Secret', 'hub-ingest-tokens') as K8sObject & { data: Record<string, string> };
    expect(generated.metadata.annotations).toMatchObject({ 'helm.sh/resource-policy': 'keep' });
    expect(Buffer.from(generated.data.HUB_INGEST_TOKENS!, 'base64').toString()).toMatch(
      /^alertmanager:[A-Za-z0-9]{40}$/,
    );
    expect(gatewayEnv(defaults).get('HUB_INGEST_TOKENS')?.valueFrom?.secretKeyRef).toEqual({
      name: 'hub-ingest-tokens',
      key: 'HUB_INGEST_TOKENS',
    });
    expect(gatewayEnv(defaults).get('GATEWAY_HOST')?.value).toBe('0.0.0.0');
    expect(gatewayEnv(defaults).has('HUB_INGEST_OPEN')).toBe(false);
    // A Secret of yours wins, and none is generated.
    const own = renderChart([], 'ingest: { existingSecret: senders, existingSecretKey: tokens }\n');
    expect(own.find((o) => o.kind === 'Secret' && o.metadata.name === 'hub-ingest-tokens')).toBeUndefined();
    expect(gatewayEnv(own).get('HUB_INGEST_TOKENS')?.valueFrom?.secretKeyRef).toEqual({
      name: 'senders',
      key: 'tokens',
    });
    // Tokens among the integration credentials come in through envFrom; nothing overrides them.
    const integrations = renderChart([], 'integrations: { values: { HUB_INGEST_TOKENS: "am:0123456789abcdef" } }\n');
    expect(integrations.find((o) => o.metadata.name === 'hub-ingest-tokens')).toBeUndefined();
    expect(gatewayEnv(integrations).has('HUB_INGEST_TOKENS')).toBe(false);
    // Open only when asked for, by name.
    const open = renderChart([], 'ingest: { open: true }\n');
    expect(gatewayEnv(open).get('HUB_INGEST_OPEN')?.value).toBe('true');
    expect(gatewayEnv(open).has('HUB_INGEST_TOKENS')).toBe(false);
  });

  it('gives event-sources (with rbac.create) read-only watch access and its source files, nothing more', () => {
    const objects = renderChart([], 'rbac: { create: true }\nconfig:\n  sources:\n    cluster.yaml: "kind: Source"\n');
    const role = find(objects, 'ClusterRole', 'hub-hub-event-sources') as
      (K8sObject & { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }) | undefined;
    expect(role?.rules.flatMap((r) => r.verbs)).toSatisfy((verbs: string[]) =>
      verbs.every((v) => ['get', 'list', 'watch'].includes(v)),
    );
    expect(role?.rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0] || 'core'}/${res}`)).sort()).toEqual([
      'apps/deployments',
      'core/events',
      'core/namespaces',
      'core/nodes',
      'core/pods',
      'core/resourcequotas',
      'events.k8s.io/events',
    ]);
    const pod = podSpec(deploymentOf(objects, 'hub-event-sources'));
    expect(pod.serviceAccountName).toBe('hub-event-sources');
    expect(envOf(pod.containers[0]!).get('KUBECONFIG')?.value).toBe('/etc/hub/kube/kubeconfig');
    const config = pod.volumes!.find((v) => v.name === 'config')?.configMap?.items ?? [];
    expect(config).toContainEqual({ key: 'sources--cluster.yaml', path: 'sources/cluster.yaml' });
    // The executor keeps its own role; without rbac.create nobody gets cluster access.
    expect(find(objects, 'ClusterRole', 'hub-hub-remediation-executor')).toBeDefined();
    expect(renderChart().filter((o) => o.kind === 'ClusterRole')).toEqual([]);
  });

  it('gives the executor the kubernetes.apply rules of rbac.applyRules, and none without them', () => {
    const rulesOf = (objects: K8sObject[]) =>
      (find(objects, 'ClusterRole', 'hub-hub-remediation-executor') as unknown as { rules: { resources: string[] }[] })
        .rules;
    const applyRule = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'patch'] };
    const withRules = renderChart([], `rbac: { create: true, applyRules: [${JSON.stringify(applyRule)}] }\n`);
    expect(rulesOf(withRules)).toContainEqual(applyRule);
    const without = rulesOf(renderChart([], 'rbac: { create: true }\n'));
    expect(without.flatMap((r) => r.resources)).not.toContain('configmaps');
    expect(without).toHaveLength(rulesOf(withRules).length - 1);
  });

  it('rolls the pods when a config file changes (checksum/config)', () => {
    const production = join(CHART_DIR, 'ci/production-values.yaml');
    const checksum = (objects: K8sObject[]) =>
      deploymentOf(objects, 'hub-sensor').spec!.template.metadata!.annotations!['checksum/config'];
    const before = checksum(renderChart([production]));
    const after = checksum(renderChart([production], 'config:\n  sensors:\n    extra.yaml: "kind: Sensor"\n'));
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  describe.each(scenarios)('rendered with %s', (_label, file) => {
    const values = file ? mergeValues(defaults, readYaml<Plain>(file)) : defaults;
    const services = servicesOf(values);
    const enabled = [...services].filter(([, s]) => s.enabled);
    let objects: K8sObject[] = [];
    beforeAll(() => {
      objects = renderChart(file ? [file] : []);
    });

    it('has values that match values.schema.json', () => {
      expect(valuesSchemaErrors(values)).toEqual([]);
    });

    it('renders only manifests that validate against the Kubernetes schemas', () => {
      expect(objects.length).toBeGreaterThan(enabled.length);
      expect(objects.flatMap(kubernetesErrors)).toEqual([]);
    });

    it('deploys every enabled service: probes, port, non-root, read-only root, resources, config checksum', () => {
      expect(
        objects
          .filter((o) => o.kind === 'Deployment')
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(enabled.map(([name]) => `hub-${name}`).sort());
      for (const [name, svc] of enabled) {
        const deployment = deploymentOf(objects, `hub-${name}`);
        const pod = podSpec(deployment);
        const container = pod.containers[0]!;
        const annotations = deployment.spec!.template.metadata!.annotations!;
        expect(annotations['checksum/config'], name).toMatch(/^[0-9a-f]{64}$/);
        expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
        expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
        expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
        expect(container.ports).toEqual([{ name: 'http', containerPort: svc.port, protocol: 'TCP' }]);
        expect(pod.securityContext?.runAsNonRoot).toBe(true);
        expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(Object.keys(container.resources?.requests ?? {}).sort(), name).toEqual(['cpu', 'memory']);
        const env = envOf(container);
        expect(env.get('AMQP_URL')?.valueFrom?.secretKeyRef?.key, name).toBeTruthy();
        expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef?.key, name).toBeTruthy();
        expect(env.get('HUB_SERVICE')?.value).toBe(name);
        expect(find(objects, 'Service', `hub-${name}`), name).toBeDefined();
        if (svc.pdb.enabled) expect(find(objects, 'PodDisruptionBudget', `hub-${name}`), name).toBeDefined();
      }
    });

    it('refers only to Secrets it creates or that values name as existing', () => {
      const created = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name));
      const existing = new Set(
        [values.amqp, values.database, values.integrations].map((c) => (c as Plain).existingSecret).filter(Boolean),
      );
      for (const deployment of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) {
        for (const container of podSpec(deployment).containers) {
          const refs = [
            ...(container.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name),
            ...(container.envFrom ?? []).map((e) => e.secretRef?.name),
          ].filter((ref): ref is string => Boolean(ref));
          for (const ref of refs) expect(created.has(ref) || existing.has(ref), ref).toBe(true);
        }
      }
    });

    it('runs singletons (the scheduler) as one replica with Recreate, and scales the others as asked', () => {
      for (const [name, svc] of enabled) {
        const spec = deploymentOf(objects, `hub-${name}`).spec!;
        const scaled = objects.filter(
          (o) =>
            (o.kind === 'ScaledObject' || o.kind === 'HorizontalPodAutoscaler') && scaleTarget(o) === `hub-${name}`,
        );
        if (svc.singleton) {
          expect(spec.replicas, name).toBe(1);
          expect(spec.strategy?.type, name).toBe('Recreate');
          expect(scaled, name).toEqual([]);
        } else if (svc.autoscaling.enabled) {
          expect(
            scaled.map((o) => o.kind),
            name,
          ).toEqual([svc.autoscaling.mode === 'keda' ? 'ScaledObject' : 'HorizontalPodAutoscaler']);
          if (svc.autoscaling.mode === 'keda') {
            expect((scaled[0]!.spec as { triggers: unknown[] }).triggers[0]).toMatchObject({
              type: 'rabbitmq',
              metadata: { queueName: svc.partitioned ? `${svc.queue}.p0` : svc.queue, hostFromEnv: 'AMQP_URL' },
            });
          }
        } else {
          expect(scaled, name).toEqual([]);
        }
      }
    });

    it('mounts the config files at HUB_CONFIG_DIR when values give any', () => {
      const config = values.config as {
        mountPath: string;
        files: Plain;
        sensors: Plain;
        schedules: Plain;
        sources?: Plain;
        webhooks?: Plain;
      };
      const fileCount = [
        config.files,
        config.sensors,
        config.schedules,
        config.sources ?? {},
        config.webhooks ?? {},
      ].reduce((n, m) => n + Object.keys(m).length, 0);
      const configMap = find(objects, 'ConfigMap', 'hub-config');
      expect(Object.keys((configMap?.data as Plain | undefined) ?? {}).length).toBe(fileCount);
      for (const [name] of enabled) {
        const pod = podSpec(deploymentOf(objects, `hub-${name}`));
        const dir = envOf(pod.containers[0]!).get('HUB_CONFIG_DIR')?.value;
        const mounted = pod.volumes?.find((v) => v.name === 'config');
        if (fileCount === 0) {
          expect(dir).toBe('/app/config');
          expect(mounted).toBeUndefined();
        } else {
          expect(dir).toBe(config.mountPath);
          expect(mounted?.configMap?.items).toHaveLength(fileCount);
        }
      }
    });
  });
});
