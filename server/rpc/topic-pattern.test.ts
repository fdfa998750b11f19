import { describe, expect, it } from 'vitest';
import { topicMatches } from './topic-pattern';

describe('topicMatches (AMQP topic exchange rules)', () => {
  it.each([
    ['instance.*.*', 'instance.p1.created', true],
    ['instance.*.*', 'instance.p1.power.on', false],
    ['instance.*.#', 'instance.p1.power.on', true],
    ['instance.#', 'instance', true],
    ['#', 'anything.at.all', true],
    ['#.deleted', 'volume.p1.deleted', true],
    ['#.p1.#', 'volume.p1.attached', true],
    ['#.p1.#', 'volume.p2.attached', false],
    ['*.p1.*', 'instance.p1', false],
    ['instance.p1.created', 'instance.p1.created', true],
    ['instance.p1.created', 'instance.p1.deleted', false],
  ])('%s ~ %s → %s', (pattern, key, ok) => {
    expect(topicMatches(pattern, key)).toBe(ok);
  });
});
