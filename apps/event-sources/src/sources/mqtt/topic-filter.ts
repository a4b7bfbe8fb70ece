/**
 * Whether MQTT topic `topic` matches `filter` (`+` one level, `#` this level and every one below,
 * MQTT 3.1.1 §4.7). Topics starting with `$` match no filter starting with a wildcard.
 */
export function mqttTopicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
