#!/usr/bin/env node
// Posts an example to the running gateway: an Alertmanager payload to its webhook, a provisioning
// request (appName, repositoryUrl, ownerTeam) to /v1/requests, a CloudEvent (or an array of them)
// to /v1/events. Usage: npm run send -- <file.json> [more.json…]
import { readFile } from 'node:fs/promises';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run send -- <file.json> [more.json…]   (e.g. examples/alertmanager/argocd-unhealthy.json)');
  process.exit(2);
}
const base = process.env.HUB_GATEWAY_URL ?? `http://127.0.0.1:${process.env.GATEWAY_PORT || '8080'}`;
const token = process.env.HUB_TOKEN ?? process.env.HUB_INGEST_TOKENS?.split(',')[0]?.split(':').slice(1).join(':');

let failed = false;
for (const file of files) {
  let body;
  try {
    body = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    console.error(`${file}: ${error.message}`);
    failed = true;
    continue;
  }
  const alertmanager = !Array.isArray(body) && Array.isArray(body.alerts);
  const request = !Array.isArray(body) && typeof body.appName === 'string' && typeof body.repositoryUrl === 'string';
  const path = alertmanager ? '/v1/webhooks/alertmanager' : request ? '/v1/requests' : '/v1/events';
  const contentType =
    alertmanager || request
      ? 'application/json'
      : Array.isArray(body)
        ? 'application/cloudevents-batch+json'
        : 'application/cloudevents+json';
  try {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    console.log(`${file} → POST ${path}: ${response.status} ${text}`);
    if (request && response.ok)
      console.log(
        `  follow it: curl -H "authorization: Bearer $HUB_TOKEN" ${base}${JSON.parse(text).statusUrl}   (or npm run hub -- requests show ${JSON.parse(text).id})`,
      );
    failed ||= !response.ok;
  } catch (error) {
    console.error(
      `${file}: cannot reach the gateway at ${base} (${error.cause?.code ?? error.message}); is npm start running?`,
    );
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
