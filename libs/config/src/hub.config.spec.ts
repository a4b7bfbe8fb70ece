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

  it('parses ingest tokens into token → source', () => {
    const config = loadGatewayConfig({ HUB_INGEST_TOKENS: 'alertmanager:s3cret-am, backstage:t0ken-bs' });
    expect([...(config.HUB_INGEST_TOKENS ?? [])]).toEqual([
      ['s3cret-am', 'alertmanager'],
      ['t0ken-bs', 'backstage'],
    ]);
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

  it('treats empty values as unset', () => {
    expect(loadCoreConfig({ AMQP_URL: '' }).AMQP_URL).toBe(DEFAULT_AMQP_URL);
  });
});
