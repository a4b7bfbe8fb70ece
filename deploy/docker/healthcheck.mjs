// Container health check of a hub service: GET /readyz on its own port (GATEWAY_PORT for the
// gateway, HUB_METRICS_PORT for the others; each container sets the one its service reads).
const port = process.env.GATEWAY_PORT || process.env.HUB_METRICS_PORT;
if (!port) {
  console.error('healthcheck: neither GATEWAY_PORT nor HUB_METRICS_PORT is set');
  process.exit(1);
}
try {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(3_000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`healthcheck: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
