/**
 * AMQP topic matching (`*` = one word, `#` = zero or more words), so that a service can dispatch
 * a delivery to the handler whose binding pattern caught it, exactly as the broker routed it.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  return matchWords(pattern.split('.'), 0, routingKey.split('.'), 0);
}

function matchWords(pattern: string[], p: number, key: string[], k: number): boolean {
  if (p === pattern.length) return k === key.length;
  const word = pattern[p];
  if (word === '#') {
    for (let skip = k; skip <= key.length; skip++) {
      if (matchWords(pattern, p + 1, key, skip)) return true;
    }
    return false;
  }
  if (k === key.length) return false;
  return (word === '*' || word === key[k]) && matchWords(pattern, p + 1, key, k + 1);
}

const PATTERN = /^(?:[a-z0-9]+(?:[_-][a-z0-9]+)*|\*|#)(?:\.(?:[a-z0-9]+(?:[_-][a-z0-9]+)*|\*|#))*$/;

/** Whether `pattern` is a topic pattern over event types: dot-separated words, `*` or `#`. */
export function isTopicPattern(pattern: string): boolean {
  return PATTERN.test(pattern);
}
