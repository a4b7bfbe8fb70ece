import { type SensorProblem } from './sensor.errors.js';
import { parseSensorFile } from './sensor-loader.js';

/** "A failed deployment, then a completed one, within 10m, per app" — valid as written. */
const correlated = (condition: string, extra = '') => `apiVersion: hub/v1
kind: Sensor
metadata: { name: deploy-pair }
spec:
  dependencies:
    - { name: failed, eventType: deployment.failed }
    - { name: completed, eventType: deployment.completed }
  condition:
${condition}
  incident:
    key: 'deploy/{{ data.app }}'
    title: 'Deployed {{ data.app }}'
${extra}`;

const ALL = "    all: { of: [failed, completed], within: 10m, correlate: '{{ data.app }}' }";

function problemsOf(text: string): Pick<SensorProblem, 'path' | 'message'>[] {
  return parseSensorFile('sensors/pair.yaml', text).problems.map(({ path, message }) => ({ path, message }));
}

describe('condition.all / condition.sequence at load time', () => {
  it('loads both, compiled', () => {
    for (const kind of ['all', 'sequence']) {
      const { sensors, problems } = parseSensorFile('sensors/pair.yaml', correlated(ALL.replace('all:', `${kind}:`)));
      expect(problems).toEqual([]);
      const condition = sensors[0]!.sensor.spec.condition as Record<string, { within: number; of: string[] }>;
      expect(condition[kind]).toMatchObject({ of: ['failed', 'completed'], within: 600_000 });
    }
  });

  it.each([
    [
      'an unknown dependency',
      ALL.replace('[failed, completed]', '[failed, complete]'),
      '',
      [
        { path: 'spec.condition.all.of.1', message: expect.stringContaining('"complete" is not a dependency') },
        {
          path: 'spec.dependencies.1.name',
          message: expect.stringContaining('"completed" is not in condition.all.of'),
        },
      ],
    ],
    [
      'within missing',
      ALL.replace('within: 10m, ', ''),
      '',
      [{ path: 'spec.condition.all.within', message: expect.any(String) }],
    ],
    [
      'a single dependency',
      ALL.replace('[failed, completed]', '[failed]'),
      '',
      [
        { path: 'spec.condition.all.of', message: expect.stringContaining('fewer than two') },
        { path: 'spec.dependencies.1.name', message: expect.stringContaining('not in condition.all.of') },
      ],
    ],
    [
      'a name listed twice',
      ALL.replace('[failed, completed]', '[failed, completed, failed]'),
      '',
      [{ path: 'spec.condition.all.of.2', message: '"failed" is listed twice' }],
    ],
    [
      'aggregate beside it',
      ALL,
      '  aggregate: { count: 3, within: 5m }\n',
      [{ path: 'spec.aggregate', message: expect.stringContaining('conflicts with condition.all') }],
    ],
    [
      'two conditions at once',
      `${ALL}\n    sequence: { of: [failed, completed], within: 1m, correlate: '{{ data.app }}' }`,
      '',
      [{ path: 'spec.condition', message: expect.stringContaining('not all and sequence') }],
    ],
    [
      'a bad correlate template and a zero window',
      ALL.replace("'{{ data.app }}'", "'{{ data.app }'").replace('10m', '0'),
      '',
      [
        { path: 'spec.condition.all.within', message: 'must be longer than 0' },
        { path: 'spec.condition.all.correlate', message: expect.stringContaining('unmatched') },
      ],
    ],
  ])('reports %s with its path', (_, condition, extra, expected) => {
    expect(problemsOf(correlated(condition, extra))).toEqual(expected);
  });

  it('still refuses an empty condition', () => {
    expect(problemsOf(correlated('    {}'))).toEqual([
      { path: 'spec.condition', message: 'has exactly one of absent, all, sequence' },
    ]);
  });
});
