import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { CHART_DIR, type Plain, readJson, readYaml, ROOT } from './deploy-files.js';

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
}
interface ChartService {
  port: number;
  portEnv?: string;
}

const readCompose = (text: string): Compose => parse(text, { merge: true }) as Compose;
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = readCompose(composeText);
const chart = readYaml<{ serviceDefaults: { portEnv: string }; services: Record<string, ChartService> }>(
  join(CHART_DIR, 'values.yaml'),
);

/** The Compose formats (compose-go's checkers): Go durations, port and expose syntax, subnets. */
const COMPOSE_FORMATS: Record<string, RegExp> = {
  duration: /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/,
  ports: /^(((\[[0-9a-fA-F:]+\]|[0-9.]+):)?([0-9]+(-[0-9]+)?)?:)?[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/,
  expose: /^[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^[0-9a-fA-F.:]+\/[0-9]{1,3}$/,
};

/**
 * The schema's draft-04 style `id` annotations (`"id": "#/definitions/service"`) without meaning for
 * validation (its `$ref`s are JSON pointers), removed because Ajv 8 rejects the keyword. A property
 * named `id` is an object, never a string, so it stays.
 */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

/** The vendored Compose Specification schema (deploy/compose/README.md says where it is from). */
function composeValidator() {
  const { $schema: _draft, ...schema } = withoutIds(
    readJson<Plain>(join(ROOT, 'deploy/compose/compose-spec.json')),
  ) as Plain;
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const [name, pattern] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(name, pattern);
  return ajv.compile(schema);
}
const validate = composeValidator();

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification schema', () => {
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  it('fails that validation for a malformed service', () => {
    const broken = readCompose(
      composeText.replace('  sensor:\n', "  sensor:\n    bild: .\n    ports: ['91o1']\n    stop_grace_period: 10 s\n"),
    );
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual(
      expect.arrayContaining([
        '/services/sensor must NOT have additional properties',
        '/services/sensor/ports/0 must match format "ports"',
        '/services/sensor/stop_grace_period must match format "duration"',
      ]),
    );
  });

  it('starts the gateway on every interface only with ingest tokens, which it requires from the environment', () => {
    const gateway = compose.services['ingest-gateway']!.environment!;
    expect(gateway.GATEWAY_HOST).toBe('0.0.0.0');
    // `${VAR:?message}`: compose refuses to start and prints the message when the variable is unset.
    expect(gateway.HUB_INGEST_TOKENS).toMatch(/^\$\{HUB_INGEST_TOKENS:\?.+\}$/);
  });

  it('runs every service of the chart from the Dockerfile, on its port, healthy after the migration', () => {
    for (const [name, { port, portEnv = chart.serviceDefaults.portEnv }] of Object.entries(chart.services)) {
      const service = compose.services[name];
      expect(service, name).toBeDefined();
      expect(service!.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      expect(service!.environment).toMatchObject({ HUB_SERVICE: name, [portEnv]: String(port) });
      expect(service!.healthcheck?.test.join(' ')).toContain('healthcheck.mjs');
      expect(service!.depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        rabbitmq: { condition: 'service_healthy' },
      });
    }
    expect(compose.services.migrate?.command).toEqual(['node', 'libs/database/dist/migrate.cli.js']);
    expect(compose.services.migrate?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('waits only for health checks that exist, and mounts only files that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} → ${dependency}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(compose.services[dependency]!.healthcheck, dependency).toBeDefined();
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('has Prometheus scrape every hub service with its hub_service label, and RabbitMQ per queue', () => {
    interface Scrape {
      job_name: string;
      metrics_path?: string;
      static_configs: { targets: string[]; labels?: Record<string, string> }[];
    }
    const prometheus = readYaml<{ scrape_configs: Scrape[] }>(join(ROOT, 'deploy/prometheus/prometheus.yml'));
    const hub = prometheus.scrape_configs.find((s) => s.job_name === 'hub')!;
    const targets = hub.static_configs.map((c) => [c.labels?.hub_service, c.targets]);
    expect(targets).toEqual(Object.entries(chart.services).map(([name, { port }]) => [name, [`${name}:${port}`]]));
    expect(prometheus.scrape_configs.find((s) => s.job_name === 'rabbitmq')?.metrics_path).toBe('/metrics/per-object');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const entrypoint = join(ROOT, 'deploy/docker/entrypoint.sh');

  it('builds on Node 20 slim, installs only production dependencies for the runtime, runs as non-root', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(dockerfile);
    expect(Number(user?.[1])).toBeGreaterThan(0);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/hub-entrypoint"\]$/m);
  });

  it('entrypoint: refuses an unknown HUB_SERVICE, naming the services, and runs a given command instead', () => {
    const unknown = spawnSync('sh', [entrypoint], { cwd: ROOT, env: { PATH: process.env.PATH, HUB_SERVICE: 'nope' } });
    expect(unknown.status).toBe(64);
    expect(unknown.stderr.toString()).toMatch(/HUB_SERVICE must name a service of this image: .*ingest-gateway/);
    const command = spawnSync('sh', [entrypoint, process.execPath, '-e', 'process.exit(7)'], { cwd: ROOT });
    expect(command.status).toBe(7);
  });

  it('health check: healthy when /readyz answers 200, unhealthy otherwise', async () => {
    let ready = false;
    const server = createServer((request, response) => {
      response.statusCode = request.url === '/readyz' && ready ? 200 : 503;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as { port: number }).port);
    const check = () =>
      new Promise<number | null>((resolve) => {
        spawn(process.execPath, [join(ROOT, 'deploy/docker/healthcheck.mjs')], {
          env: { HUB_METRICS_PORT: port },
          stdio: 'ignore',
        }).once('exit', resolve);
      });
    try {
      expect(await check()).toBe(1);
      ready = true;
      expect(await check()).toBe(0);
    } finally {
      server.close();
    }
  });
});
