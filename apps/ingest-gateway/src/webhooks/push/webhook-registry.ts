import { readFileSync } from 'node:fs';
import { type Env } from '@hub/config';
import { CustomWebhookSource } from '../custom/custom.source.js';
import { EventGridSource } from '../eventgrid/eventgrid.source.js';
import { PubSubSource } from '../pubsub/pubsub.source.js';
import { SnsCertificates } from '../sns/sns-certificates.js';
import { SnsSource } from '../sns/sns.source.js';
import { JwtVerifier } from './jwt-verifier.js';
import { UnknownWebhookError } from './push.errors.js';
import { type PushSource } from './push-source.js';
import { secretList } from './signatures.js';
import { type WebhookDefinition } from './webhook-loader.js';
import { WebhookMapping } from './webhook-mapping.js';
import { type WebhookDocument, type WebhookKind } from './webhook.schema.js';

/** The named push sources of `config/webhooks/`, by kind and name. */
export class WebhookRegistry {
  private readonly sources = new Map<string, PushSource>();

  constructor(definitions: readonly WebhookDefinition[], env: Env) {
    for (const { document } of definitions) this.sources.set(`${document.kind}/${document.name}`, build(document, env));
  }

  /** The source `name` of `kind`, or a 404 naming the directory to define it in. */
  source(kind: WebhookKind, name: string): PushSource {
    const source = this.sources.get(`${kind}/${name}`);
    if (!source) throw new UnknownWebhookError(`No ${kind} webhook "${name}" is defined in config/webhooks/`);
    return source;
  }

  /** `kind/name` of every source, for the start-up log. */
  names(): string[] {
    return [...this.sources.keys()];
  }
}

function build(doc: WebhookDocument, env: Env): PushSource {
  const mapping = (type: string) =>
    new WebhookMapping(doc.event, {
      type,
      source: `/webhooks/${doc.kind}/${doc.name}`,
      hubsource: `${doc.kind}.${doc.name}`,
    });
  switch (doc.kind) {
    case 'custom': {
      const auth = doc.custom.auth;
      const secrets = secretList(env[auth.hmac?.secretEnv ?? auth.bearer?.tokenEnv ?? '']);
      return new CustomWebhookSource(doc.custom, secrets, mapping(`external.webhook.${doc.name}`), doc.name);
    }
    case 'sns': {
      const ca = doc.sns.caFile ? readFileSync(doc.sns.caFile, 'utf8') : undefined;
      const certificates = new SnsCertificates(new RegExp(doc.sns.certHost), ca);
      return new SnsSource(doc.sns, certificates, mapping(`external.aws.sns.${doc.name}`), doc.name, ca);
    }
    case 'eventgrid': {
      const secrets = doc.eventgrid.secret ? secretList(env[doc.eventgrid.secret.secretEnv]) : [];
      const jwt = doc.eventgrid.bearer ? new JwtVerifier(doc.eventgrid.bearer) : undefined;
      return new EventGridSource(
        doc.eventgrid,
        secrets,
        jwt,
        mapping(`external.azure.eventgrid.${doc.name}`),
        doc.name,
      );
    }
    case 'pubsub':
      return new PubSubSource(
        doc.pubsub,
        new JwtVerifier(doc.pubsub),
        mapping(`external.gcp.pubsub.${doc.name}`),
        doc.name,
      );
  }
}
