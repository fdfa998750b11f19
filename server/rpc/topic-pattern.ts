/**
 * AMQP topic-exchange matching for the in-process bus, so a pattern means the same thing with and without RabbitMQ:
 * words are split on ".", `*` matches exactly one word, `#` matches zero or more.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  return matchWords(pattern.split('.'), 0, routingKey.split('.'), 0);
}

function matchWords(p: string[], pi: number, k: string[], ki: number): boolean {
  if (pi === p.length) return ki === k.length;
  const word = p[pi];
  if (word === '#') {
    // Try every possible span for `#`, shortest first; patterns are a few words long so this stays cheap.
    for (let skip = ki; skip <= k.length; skip++) {
      if (matchWords(p, pi + 1, k, skip)) return true;
    }
    return false;
  }
  if (ki === k.length) return false;
  return (word === '*' || word === k[ki]) && matchWords(p, pi + 1, k, ki + 1);
}
