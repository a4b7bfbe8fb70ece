import { register } from 'prom-client';
import { SensorMetrics } from './sensor.metrics.js';

describe('the open-incident gauges', () => {
  it('read the database once per scrape for both gauges, and again on the next scrape', async () => {
    const metrics = new SensorMetrics();
    let reads = 0;
    const unregister = metrics.countOpenIncidentsWith(async () => {
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { remediating: { count: 3, oldestSeconds: 42 + reads } };
    });
    try {
      const page = await register.metrics();
      expect(reads).toBe(1);
      expect(page).toMatch(/hub_sensor_open_incidents\{state="remediating"\} 3/);
      expect(page).toMatch(/hub_sensor_oldest_open_incident_seconds\{state="remediating"\} 43/);
      expect(await register.metrics()).toMatch(/hub_sensor_oldest_open_incident_seconds\{state="remediating"\} 44/);
      expect(reads).toBe(2);
    } finally {
      unregister();
    }
  });
});
