import { eventWatcher } from './event.watcher.js';
import { podWatcher } from './pod.watcher.js';
import { parseQuantity } from './quantity.js';
import { exhausted } from './quota.watcher.js';
import { coreEvent, pod } from '../../__tests__/kubernetes.fixtures.js';
import { type WatchedObject } from './watched-object.js';

const object = (o: unknown, rv: string, uid = 'u-1') => {
  const w = structuredClone(o) as WatchedObject;
  w.metadata = { ...w.metadata, uid, resourceVersion: rv };
  return w;
};

describe(parseQuantity.name, () => {
  it('reads Kubernetes quantities', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2Gi')).toBe(2 * 2 ** 30);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('1.5k')).toBe(1500);
    expect(parseQuantity('lots')).toBeUndefined();
  });

  it('finds used-up resources, and a hard 0 only once something uses it', () => {
    expect(exhausted({ cpu: '2', memory: '4Gi' }, { cpu: '2000m', memory: '1Gi' })).toEqual([
      { resource: 'cpu', used: '2000m', hard: '2' },
    ]);
    expect(exhausted({ pods: '0' }, { pods: '0' })).toEqual([]);
    expect(exhausted({ pods: '0' }, { pods: '1' })).toHaveLength(1);
  });
});

describe('eventWatcher', () => {
  const watcher = eventWatcher('v1', { reasons: [], windowMs: 60_000, quotaFromFailedCreate: true });
  const now = new Date('2026-12-03T10:00:00Z');

  it('publishes the first update of each window only, with the same id on every replica', () => {
    const first = watcher.decide(
      'ADDED',
      object(coreEvent('e', 'BackOff', 1, '2026-12-03T10:00:01Z'), '1'),
      undefined,
      now,
    );
    expect(first.events).toHaveLength(1);
    const again = watcher.decide(
      'MODIFIED',
      object(coreEvent('e', 'BackOff', 5, '2026-12-03T10:00:59Z'), '2'),
      first.state,
      now,
    );
    expect(again.events).toEqual([]);
    const next = watcher.decide(
      'MODIFIED',
      object(coreEvent('e', 'BackOff', 6, '2026-12-03T10:01:00Z'), '3'),
      again.state,
      now,
    );
    expect(next.events.map((e) => e.data['count'])).toEqual([6]);
    expect(next.events[0]?.key).not.toBe(first.events[0]?.key);
  });

  it('reads events.k8s.io/v1 Events (regarding, note, series)', () => {
    const v1 = eventWatcher('events.k8s.io/v1', {
      reasons: ['BackOff'],
      windowMs: 60_000,
      quotaFromFailedCreate: false,
    });
    const decision = v1.decide(
      'ADDED',
      object(
        {
          metadata: { name: 'e2', namespace: 'shop' },
          reason: 'BackOff',
          type: 'Warning',
          note: 'Back-off restarting failed container',
          regarding: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
          series: { count: 12, lastObservedTime: '2026-12-03T10:00:30Z' },
          reportingController: 'kubelet',
        },
        '7',
      ),
      undefined,
      now,
    );
    expect(decision.events[0]?.data).toMatchObject({
      api: 'events.k8s.io/v1',
      count: 12,
      message: 'Back-off restarting failed container',
      involvedObject: { kind: 'Pod', name: 'web-1' },
    });
  });
});

describe('podWatcher', () => {
  const watcher = podWatcher(3);

  it('is crash-looping from the threshold on, once, and recovers once (also when deleted)', () => {
    const below = watcher.decide('MODIFIED', object(pod('p', 2, 'CrashLoopBackOff'), '1'), undefined, new Date());
    expect(below.events).toEqual([]);
    const looping = watcher.decide('MODIFIED', object(pod('p', 3, 'CrashLoopBackOff'), '2'), below.state, new Date());
    expect(looping.events.map((e) => e.type)).toEqual(['kubernetes.pod.crashlooping']);
    expect(looping.events[0]?.data).toMatchObject({ deployment: 'web', restartCount: 3 });
    const still = watcher.decide('MODIFIED', object(pod('p', 4, 'CrashLoopBackOff'), '3'), looping.state, new Date());
    expect(still.events).toEqual([]);
    const gone = watcher.decide('DELETED', object(pod('p', 4, 'CrashLoopBackOff'), '4'), still.state, new Date());
    expect(gone.events.map((e) => e.type)).toEqual(['kubernetes.pod.recovered']);
    expect(gone.state).toBeUndefined();
  });
});
