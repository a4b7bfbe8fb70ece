import { ConfigError } from '@hub/config';
import { loadNotifierConfig } from '../../notifier.config.js';
import { smtpSettingsOf } from './email.config.js';

/** The start-up problems of `env`: per variable (the environment schema), else across them (the channel's build). */
function problems(env: Record<string, string>): string[] {
  try {
    smtpSettingsOf(loadNotifierConfig(env));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.problem}`);
    throw error;
  }
  return [];
}

describe(smtpSettingsOf.name, () => {
  it('is the outbox with no server, with the default sender', () => {
    const config = loadNotifierConfig({});
    expect(smtpSettingsOf(config)).toBeUndefined();
    expect(config.SMTP_FROM).toBe('Hub <hub@localhost>');
  });

  it('reads SMTP_URL: user and password (URL-encoded), port, implicit TLS for smtps://', () => {
    expect(smtpSettingsOf(loadNotifierConfig({ SMTP_URL: 'smtps://bot%40acme:p%2Fss@mail.acme.example' }))).toEqual({
      host: 'mail.acme.example',
      port: 465,
      tls: 'implicit',
      auth: { user: 'bot@acme', pass: 'p/ss' },
      from: 'Hub <hub@localhost>',
      timeoutMs: 10_000,
    });
    expect(
      smtpSettingsOf(
        loadNotifierConfig({ SMTP_URL: 'smtp://mail.acme.example:2525', SMTP_PASSWORD: 'x', SMTP_USER: 'u' }),
      ),
    ).toMatchObject({ port: 2525, tls: 'starttls', auth: { user: 'u', pass: 'x' } });
  });

  it('reads SMTP_HOST with STARTTLS on 587 by default', () => {
    expect(smtpSettingsOf(loadNotifierConfig({ SMTP_HOST: 'relay', SMTP_FROM: 'ops@acme.example' }))).toEqual({
      host: 'relay',
      port: 587,
      tls: 'starttls',
      from: 'ops@acme.example',
      timeoutMs: 10_000,
    });
  });
});

describe('SMTP start-up errors', () => {
  it('lists every bad variable, then every contradictory setting, at once', () => {
    expect(
      problems({ SMTP_FROM: 'not an address', SMTP_TLS: 'tls', SMTP_PORT: '0', SMTP_URL: 'mail.acme.example' }).sort(),
    ).toEqual([
      'SMTP_FROM: must be an address like hub@example.com or "Hub <hub@example.com>"',
      'SMTP_PORT: must be between 1 and 65535',
      'SMTP_TLS: must be starttls, implicit or none',
      'SMTP_URL: must be a URL (smtp:// or smtps://…)',
    ]);
    expect(
      problems({
        SMTP_URL: 'smtps://u@mail.acme.example:465',
        SMTP_HOST: 'other',
        SMTP_PORT: '25',
        SMTP_USER: 'v',
        SMTP_TLS: 'starttls',
        SMTP_TLS_CA_FILE: '/nonexistent/ca.pem',
      }).sort(),
    ).toEqual([
      'SMTP_HOST: set SMTP_URL or SMTP_HOST, not both',
      'SMTP_PASSWORD: is required with an SMTP user',
      'SMTP_PORT: SMTP_URL names the port already',
      'SMTP_TLS: must be implicit (or unset) with an smtps:// SMTP_URL, not starttls',
      expect.stringMatching(/^SMTP_TLS_CA_FILE: cannot be read: ENOENT/),
      'SMTP_USER: SMTP_URL names the user already',
    ]);
  });

  it('refuses a password in clear over the network, and settings without a server', () => {
    expect(problems({ SMTP_HOST: 'mail.acme.example', SMTP_USER: 'u', SMTP_PASSWORD: 'p', SMTP_TLS: 'none' })).toEqual([
      'SMTP_TLS: none would send the SMTP password in clear to mail.acme.example; use starttls or implicit (none is for loopback relays)',
    ]);
    expect(problems({ SMTP_HOST: '127.0.0.1', SMTP_USER: 'u', SMTP_PASSWORD: 'p', SMTP_TLS: 'none' })).toEqual([]);
    expect(problems({ SMTP_USER: 'u', SMTP_PORT: '25' })).toEqual([
      'SMTP_PORT: has no effect without SMTP_URL or SMTP_HOST',
      'SMTP_USER: has no effect without SMTP_URL or SMTP_HOST',
    ]);
    expect(problems({ SMTP_URL: 'smtp://' })).toEqual(['SMTP_URL: names no host (smtp://host:587)']);
    expect(problems({ SMTP_URL: 'http://mail.acme.example' })).toEqual([
      'SMTP_URL: must be a URL (smtp:// or smtps://…)',
    ]);
  });
});
