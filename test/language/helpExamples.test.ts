/**
 * The help card suggests sentences to type (src/cards/helpCard.ts). A suggestion the parser does
 * not understand is a broken promise, so every one must land on a real intent.
 */
import { HELP_EXAMPLES } from '../../src/cards/helpCard';
import { parse } from '../../src/language';

describe('sentences the help card suggests', () => {
  it('has suggestions to check', () => {
    expect(HELP_EXAMPLES.length).toBeGreaterThan(5);
  });

  it.each(HELP_EXAMPLES.map((e) => [e.text]))('understands "%s"', (text) => {
    expect(parse(text).intent).not.toBe('unknown');
  });
});
