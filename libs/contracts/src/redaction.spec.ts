import { DEFAULT_REDACT_KEYS, REDACTED, Redactor } from './redaction.js';

describe(Redactor.name, () => {
  const sut = new Redactor(DEFAULT_REDACT_KEYS);

  it('redacts secret fields at any depth, whatever their spelling, and keeps the rest', () => {
    const input = {
      app: 'checkout',
      headers: { Authorization: 'Bearer abc.def', 'X-Api-Key': 'k-123', 'content-type': 'application/json' },
      nested: [{ slackToken: 'xoxb-1' }, { client_secret: 's' }, { password: 'p', user: 'u' }],
      count: 3,
    };
    expect(sut.redact(input)).toEqual({
      app: 'checkout',
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, 'content-type': 'application/json' },
      nested: [{ slackToken: REDACTED }, { client_secret: REDACTED }, { password: REDACTED, user: 'u' }],
      count: 3,
    });
    expect(input.headers.Authorization).toBe('Bearer abc.def');
  });

  it('redacts credentials carried as values and passwords in URLs', () => {
    expect(
      sut.redact({ header: 'Splunk 1234-abcd', url: 'amqp://guest:hunter2@rabbit:5672/', plain: 'user@example.com' }),
    ).toEqual({ header: REDACTED, url: `amqp://guest:${REDACTED}@rabbit:5672/`, plain: 'user@example.com' });
  });

  it('keeps the names that only refer to a secret (an ExternalSecret, a secretName)', () => {
    expect(sut.redact({ externalSecret: 'payments/db', secretName: 'tls-cert', secretValue: 'v' })).toEqual({
      externalSecret: 'payments/db',
      secretName: 'tls-cert',
      secretValue: REDACTED,
    });
  });

  it('uses the configured names', () => {
    const custom = new Redactor(['ssn']);
    expect(custom.redact({ SSN: '123', token: 't' })).toEqual({ SSN: REDACTED, token: 't' });
  });

  it('leaves empty and null secrets as they are, so the record says none was set', () => {
    expect(sut.redact({ token: '', password: null })).toEqual({ token: '', password: null });
  });
});
