import { ConfigError } from '@hub/config';
import { loadRemediationExecutorConfig } from './remediation-executor.config.js';

describe(loadRemediationExecutorConfig.name, () => {
  it('runs with no variables at all: every target system goes to the outbox', () => {
    const config = loadRemediationExecutorConfig({});
    expect(config).toMatchObject({
      HUB_METRICS_PORT: 9102,
      HUB_DRY_RUN: false,
      HUB_ACTION_MAX_ATTEMPTS: 4,
      HUB_ACTION_BACKOFF_MS: 1_000,
      EXTERNAL_SECRETS_API_VERSION: 'v1beta1',
    });
    expect(config.ARGOCD_URL).toBeUndefined();
    expect(config.KUBE_API_URL).toBeUndefined();
  });

  it('accepts loopback URLs and reads the knobs', () => {
    const config = loadRemediationExecutorConfig({
      ARGOCD_URL: 'http://127.0.0.1:8081',
      ARGOCD_TOKEN: 'token',
      KUBE_API_URL: 'http://localhost:8001',
      HUB_DRY_RUN: 'true',
      ARGOCD_POLL_INTERVAL_MS: '50',
    });
    expect(config).toMatchObject({
      ARGOCD_URL: 'http://127.0.0.1:8081',
      HUB_DRY_RUN: true,
      ARGOCD_POLL_INTERVAL_MS: 50,
    });
  });

  it('lists every problem at once, including a missing Argo CD token', () => {
    let error: unknown;
    try {
      loadRemediationExecutorConfig({
        ARGOCD_URL: 'http://127.0.0.1:8081',
        KUBE_API_URL: 'ftp://nope',
        HUB_ACTION_MAX_ATTEMPTS: 'zero',
        EXTERNAL_SECRETS_API_VERSION: 'v2',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'ARGOCD_TOKEN',
      'EXTERNAL_SECRETS_API_VERSION',
      'HUB_ACTION_MAX_ATTEMPTS',
      'KUBE_API_URL',
    ]);
  });

  it('wants the Statuspage token and page id together, and a URL for STATUSPAGE_URL', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadRemediationExecutorConfig(env);
        return [];
      } catch (e) {
        return (e as ConfigError).problems.map((p) => p.variable).sort();
      }
    };
    expect(problems({ STATUSPAGE_TOKEN: 'key' })).toEqual(['STATUSPAGE_PAGE_ID']);
    expect(problems({ STATUSPAGE_PAGE_ID: 'page', STATUSPAGE_URL: 'nope' })).toEqual([
      'STATUSPAGE_TOKEN',
      'STATUSPAGE_URL',
    ]);
    expect(problems({ STATUSPAGE_PAGE_ID: 'page', STATUSPAGE_TOKEN: 'key' })).toEqual([]);
  });
});
