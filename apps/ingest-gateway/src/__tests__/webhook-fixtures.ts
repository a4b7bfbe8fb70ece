/** YAML documents of `config/webhooks/` for tests, one per kind, named `name`. */
export const webhookYaml = {
  customHmac: (name: string, secretEnv: string) => `
kind: custom
name: ${name}
custom:
  auth:
    hmac:
      header: X-Signature
      prefix: sha256=
      secretEnv: ${secretEnv}
event:
  type: "'external.shop.' + body.kind"
  subject: body.order.id
  incidentKey: "'order:' + body.order.id"
  data:
    order: body.order.id
    total: body.order.total
`,
  sns: (name: string, topicArn: string, extra = '') => `
kind: sns
name: ${name}
sns:
  topicArns: [${topicArn}]
${extra}`,
  eventgrid: (name: string, secretEnv: string, extra = '') => `
kind: eventgrid
name: ${name}
eventgrid:
  secret:
    query: code
    secretEnv: ${secretEnv}
${extra}`,
  pubsub: (name: string, jwksUrl: string, audience: string, serviceAccount: string) => `
kind: pubsub
name: ${name}
pubsub:
  audience: ${audience}
  serviceAccount: ${serviceAccount}
  jwksUrl: ${jwksUrl}
`,
};
