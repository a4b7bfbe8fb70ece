// The link is shared with the ticketing service, so it lives in @hub/telemetry.
export { grafanaTraceUrl, type GrafanaLinkOptions } from '@hub/telemetry';
