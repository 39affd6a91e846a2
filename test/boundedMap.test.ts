/** BoundedMap: a size-bounded cache that forgets its oldest generation. */
import { BoundedMap } from '../src/boundedMap';

describe('BoundedMap', () => {
  test('keeps what was set, and at least the newest half of its limit', () => {
    const m = new BoundedMap<number, string>(10);
    for (let i = 0; i < 1000; i++) m.set(i, `v${i}`);
    expect(m.size).toBeLessThanOrEqual(10);
    for (let i = 995; i < 1000; i++) expect(m.get(i)).toBe(`v${i}`);
    expect(m.get(0)).toBeUndefined();
    expect(m.has(0)).toBe(false);
  });

  test('setting a key again replaces its value and keeps one copy', () => {
    const m = new BoundedMap<string, number>(4);
    m.set('a', 1);
    m.set('b', 2); // the first generation (2 entries) is now the older one
    m.set('a', 3); // moves to the newer one
    expect(m.get('a')).toBe(3);
    expect(m.size).toBe(2);
    m.set('c', 4); // a and c fill the newer generation, which becomes the older one; b is dropped
    m.set('d', 5);
    expect(m.get('a')).toBe(3);
    expect(m.get('b')).toBeUndefined();
  });

  test('an entry set to undefined is known, not missing', () => {
    const m = new BoundedMap<string, undefined | number>(4);
    m.set('x', undefined);
    expect(m.has('x')).toBe(true);
    expect(m.get('x')).toBeUndefined();
  });

  test.each([0, 1, 2.5, Number.NaN])('a limit of %p is refused', (limit) => {
    expect(() => new BoundedMap(limit)).toThrow(RangeError);
  });
});
