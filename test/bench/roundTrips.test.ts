/** The round-trip counter on call patterns whose answer is known. */
import { sequentialRoundTrips } from '../../bench/roundTrips';

const call = (startMs: number, endMs: number) => ({ startMs, endMs });

describe('sequentialRoundTrips', () => {
  test('no calls: no round trips', () => {
    expect(sequentialRoundTrips([])).toBe(0);
  });

  test('one $batch is one round trip, however long', () => {
    expect(sequentialRoundTrips([call(0, 100)])).toBe(1);
  });

  test('calls sent side by side cost one round trip between them', () => {
    expect(sequentialRoundTrips([call(0, 100), call(1, 98), call(2, 105)])).toBe(1);
  });

  test('a call sent when another is answered follows it, even at the same instant', () => {
    expect(sequentialRoundTrips([call(0, 100), call(100, 200), call(200.5, 300)])).toBe(3);
  });

  test('the longest chain counts, not the number of calls, in any order of the log', () => {
    // A read, then two reads side by side, then a write after both; a short call meanwhile.
    const calls = [call(210, 300), call(0, 100), call(101, 200), call(102, 205), call(120, 130)];
    expect(sequentialRoundTrips(calls)).toBe(3);
    expect(sequentialRoundTrips([...calls].reverse())).toBe(3);
  });

  test('a short call nested inside a long one does not shorten the chain', () => {
    // The long call overlaps everything; the three short ones ran one after another.
    expect(sequentialRoundTrips([call(0, 500), call(10, 20), call(30, 40), call(50, 60)])).toBe(3);
  });
});
