import { topicMatches } from './topic.js';

describe(topicMatches.name, () => {
  it.each([
    ['alert.firing', 'alert.firing', true],
    ['alert.*', 'alert.firing', true],
    ['alert.*', 'alert.firing.extra', false],
    ['alert.#', 'alert', true],
    ['alert.#', 'alert.firing.extra', true],
    ['#', 'anything.at.all', true],
    ['action.requested.#', 'action.requested.argocd.sync', true],
    ['*.failed', 'action.failed', true],
    ['*.failed', 'deployment.completed', false],
    ['#.sync', 'action.requested.argocd.sync', true],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.c.y', false],
  ])('%s matches %s: %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});
