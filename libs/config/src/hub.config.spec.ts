import { ConfigError } from './config.errors.js';
import { DEFAULT_AMQP_URL, loadCoreConfig, loadGatewayConfig } from './hub.config.js';

describe('hub configuration', () => {
  it('works with no variables at all (embedded defaults)', () => {
    const config = loadGatewayConfig({});
    expect(config.AMQP_URL).toBe(DEFAULT_AMQP_URL);
    expect(config.GATEWAY_PORT).toBe(8080);
    expect(config.HUB_CONFIG_DIR).toBe('./config');
    expect(config.HUB_INGEST_TOKENS).toBeUndefined();
  });

  it('binds the gateway to 127.0.0.1 without tokens, to every interface with them', () => {
    expect(loadGatewayConfig({}).GATEWAY_HOST).toBe('127.0.0.1');
    expect(loadGatewayConfig({ HUB_INGEST_TOKENS: 'am:s3cret-am' }).GATEWAY_HOST).toBe('0.0.0.0');
    expect(loadGatewayConfig({ HUB_INGEST_OPEN: 'true' }).GATEWAY_HOST).toBe('0.0.0.0');
    expect(loadGatewayConfig({ GATEWAY_HOST: '::1' }).GATEWAY_HOST).toBe('::1');
  });

  it('refuses to listen beyond loopback without tokens unless HUB_INGEST_OPEN=true', () => {
    for (const host of ['0.0.0.0', '10.1.2.3', '::', 'gateway.example.com']) {
      expect(() => loadGatewayConfig({ GATEWAY_HOST: host })).toThrow(
        `GATEWAY_HOST: binding to ${host} without HUB_INGEST_TOKENS`,
      );
      expect(loadGatewayConfig({ GATEWAY_HOST: host, HUB_INGEST_OPEN: 'yes' }).GATEWAY_HOST).toBe(host);
      expect(loadGatewayConfig({ GATEWAY_HOST: host, HUB_INGEST_TOKENS: 'am:s3cret-am' }).GATEWAY_HOST).toBe(host);
    }
    expect(() => loadGatewayConfig({ HUB_INGEST_OPEN: 'maybe' })).toThrow('HUB_INGEST_OPEN: must be true or false');
  });

  it('parses ingest tokens into token → source', () => {
    const config = loadGatewayConfig({ HUB_INGEST_TOKENS: 'alertmanager:s3cret-am, backstage:t0ken-bs' });
    expect([...(config.HUB_INGEST_TOKENS ?? [])]).toEqual([
      ['s3cret-am', 'alertmanager'],
      ['t0ken-bs', 'backstage'],
    ]);
  });

  it('parses per-source type limits and checks each source and pattern', () => {
    const config = loadGatewayConfig({
      HUB_INGEST_TOKENS: 'ci:ci-t0ken-secret,backstage:t0ken-bs',
      HUB_INGEST_TOKEN_TYPES: 'ci=deployment.*, external.ci.#; backstage=provisioning.requested',
    });
    expect([...(config.HUB_INGEST_TOKEN_TYPES ?? [])]).toEqual([
      ['ci', ['deployment.*', 'external.ci.#']],
      ['backstage', ['provisioning.requested']],
    ]);
    expect(() =>
      loadGatewayConfig({ HUB_INGEST_TOKENS: 'ci:ci-t0ken-secret', HUB_INGEST_TOKEN_TYPES: 'jenkins=deployment.*' }),
    ).toThrow('HUB_INGEST_TOKEN_TYPES: "jenkins" is not a source of HUB_INGEST_TOKENS (ci)');
    expect(() =>
      loadGatewayConfig({ HUB_INGEST_TOKENS: 'ci:ci-t0ken-secret', HUB_INGEST_TOKEN_TYPES: 'ci=Deploy ment' }),
    ).toThrow('"ci": "Deploy ment" is no event type pattern');
    expect(() => loadGatewayConfig({ HUB_INGEST_TOKEN_TYPES: 'deployment.*' })).toThrow(
      'entry 1 must be source=pattern,pattern',
    );
  });

  it('parses read tokens like ingest tokens, and refuses one that is also an ingest token', () => {
    const config = loadGatewayConfig({
      HUB_INGEST_TOKENS: 'am:s3cret-am',
      HUB_READ_TOKENS: 'ops:r3ad-t0ken, sensor:r3ad-t0ken-2',
    });
    // A read token's name is no event source, so a service's name is allowed.
    expect([...(config.HUB_READ_TOKENS ?? [])]).toEqual([
      ['r3ad-t0ken', 'ops'],
      ['r3ad-t0ken-2', 'sensor'],
    ]);
    expect(() => loadGatewayConfig({ HUB_INGEST_TOKENS: 'am:s3cret-am', HUB_READ_TOKENS: 'ops:s3cret-am' })).toThrow(
      'HUB_READ_TOKENS: the token of "ops" is also the ingest token of "am": a read token must be its own',
    );
    expect(() => loadGatewayConfig({ HUB_READ_TOKENS: 'ops:short' })).toThrow(
      'HUB_READ_TOKENS: the token of "ops" must be at least 8 characters',
    );
  });

  it('refuses an ingest token whose source is the name of a hub service', () => {
    for (const source of ['sensor', 'scheduler', 'remediation-executor', 'Notifier', 'ticketing']) {
      expect(() => loadGatewayConfig({ HUB_INGEST_TOKENS: `${source}:long-enough-token` })).toThrow(
        `HUB_INGEST_TOKENS: source "${source}" is the name of a hub service`,
      );
    }
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadGatewayConfig({
        AMQP_URL: 'http://nope',
        GATEWAY_PORT: '99999',
        HUB_INGEST_TOKENS: 'novalue,a:short',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable);
    expect(problems).toEqual(
      expect.arrayContaining(['AMQP_URL', 'GATEWAY_PORT', 'HUB_INGEST_TOKENS', 'HUB_INGEST_TOKENS', 'LOG_LEVEL']),
    );
    expect((error as ConfigError).message).toContain('entry 1 must be source:token');
    expect((error as ConfigError).message).toContain('at least 8 characters');
  });

  it('says what is wrong with a malformed value instead of calling it unset', () => {
    expect(() => loadGatewayConfig({ GATEWAY_PORT: 'abc' })).toThrow('GATEWAY_PORT: must be a port number');
  });

  it('takes 1 to 64 partitions (default 4)', () => {
    expect(loadCoreConfig({}).HUB_PARTITIONS).toBe(4);
    expect(loadCoreConfig({ HUB_PARTITIONS: '16' }).HUB_PARTITIONS).toBe(16);
    expect(() => loadCoreConfig({ HUB_PARTITIONS: '0' })).toThrow('HUB_PARTITIONS: must be 1 to 64');
    expect(() => loadCoreConfig({ HUB_PARTITIONS: '65' })).toThrow('HUB_PARTITIONS: must be 1 to 64');
  });

  it('treats empty values as unset', () => {
    expect(loadCoreConfig({ AMQP_URL: '' }).AMQP_URL).toBe(DEFAULT_AMQP_URL);
  });
});
