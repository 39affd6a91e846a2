/**
 * Self-corrections: the last word counts. "give Dana nursing — actually make that physician" is a
 * physician request; "make Sam Dragon admin for 2 hours, no, 4 hours" is four hours; "remove
 * Kate's license, sorry, I meant Kim" is Kim. The change is read from the words before the
 * correction, and whatever the correction states replaces what it names. Pure: no I/O.
 */
import { durationFrom, licenseFromWords, peopleAfter } from './entities';
import type { Draft } from './intents';
import { NURSING_SELF, PHYSICIAN_SELF } from './lexicon';
import type { Normalized } from './normalize';
import { untilFrom } from './until';

/** "he's a nurse, so nursing": a profession word in the correction says the kind too. */
function kindIn(after: Normalized): Draft['license'] {
  const stated = licenseFromWords(after);
  if (stated === 'nursing' || stated === 'physician') return stated;
  const words = after.tokens.map((t) => t.norm);
  const nursing = words.some((w) => NURSING_SELF.has(w));
  const physician = words.some((w) => PHYSICIAN_SELF.has(w));
  if (nursing !== physician) return nursing ? 'nursing' : 'physician';
  return undefined;
}

function personIn(after: Normalized): string[] | undefined {
  for (let i = 0; i < after.tokens.length; i++) {
    const run = peopleAfter(after, i);
    if (run && !run.users.includes('me')) return run.users;
  }
  return undefined;
}

export function correctionFrom(before: Draft, after: Normalized, now: Date): Draft {
  const out: Draft = { ...before };
  const license = kindIn(after);
  if (license) out.license = license;
  const duration = durationFrom(after);
  if (duration) {
    out.duration = duration.value;
    delete out.until;
  }
  const until = untilFrom(after, now);
  if (until?.value) {
    out.until = until.value;
    delete out.duration;
  }
  if (!license && !duration && !until) {
    const users = personIn(after);
    if (users) out.users = users;
  }
  return out;
}
