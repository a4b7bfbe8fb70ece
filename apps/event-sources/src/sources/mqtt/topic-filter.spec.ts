import { mqttTopicMatches } from './topic-filter.js';

describe(mqttTopicMatches.name, () => {
  it('matches + as one level and # as this level and all below', () => {
    expect(mqttTopicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(mqttTopicMatches('a/+/c', 'a/b/x/c')).toBe(false);
    expect(mqttTopicMatches('a/#', 'a')).toBe(true);
    expect(mqttTopicMatches('a/#', 'a/b/c')).toBe(true);
    expect(mqttTopicMatches('a/b', 'a/b/c')).toBe(false);
    expect(mqttTopicMatches('#', '$SYS/broker')).toBe(false);
  });
});
