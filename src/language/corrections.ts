/**
 * Self-corrections: the last word counts. "give Dana nursing — actually make that physician" is a
 * physician request; "make Sam Dragon admin for 2 hours, actually make it 4" is four hours; "remove
 * Kate's license, sorry, I meant Kim" is Kim; "give Kelly and Jo licenses. Scratch Jo" is Kelly;
 * "… it's just Yaw" keeps Yaw Darko alone; "until Dec 20 — correction, Dec 18" ends on the 18th;
 * "link MPN 1234576 — typo, 1234567" links 1234567. The change is read from the words before the
 * correction, and whatever the correction states replaces what it names. Pure: no I/O.
 */
import { durationFrom, licenseFromWords, orgAfter, peopleAfter, subscriptionFrom } from './entities';
import type { Draft } from './intents';
import { FUNCTION_WORDS, NURSING_SELF, PHYSICIAN_SELF } from './lexicon';
import { fromTokens, type Normalized } from './normalize';
import { kindOfTargets } from './professions';
import { untilFrom, untilPhrase } from './until';

/** "he's a nurse, so nursing", "she's actually our new NP, not an RN": what the correction says of the kind. */
function kindIn(after: Normalized): Draft['license'] | 'ask' | undefined {
  const stated = licenseFromWords(after);
  if (stated === 'nursing' || stated === 'physician') return stated;
  // A profession named as what the person is, not what they are not ("not an RN").
  const kept = after.tokens.filter(
    (_, i) => !['not', 'no'].includes(after.tokens[i - 2]?.norm ?? '') && after.tokens[i - 1]?.norm !== 'not',
  );
  const positive = fromTokens(after.source, kept);
  const described = kindOfTargets(positive, undefined);
  if (described) return described;
  const words = positive.tokens.map((t) => t.norm);
  if (/\b(?:np|pa|nurse practitioner|physician assistant|pharmacist|therapist|not sure which)\b/.test(positive.text))
    return 'ask';
  const nursing = words.some((w) => NURSING_SELF.has(w));
  const physician = words.some((w) => PHYSICIAN_SELF.has(w));
  if (nursing !== physician) return nursing ? 'nursing' : 'physician';
  return undefined;
}

/** The people the correction names, in order. */
function peopleIn(after: Normalized): { users: string[]; start: number }[] {
  const out: { users: string[]; start: number }[] = [];
  for (let i = 0; i < after.tokens.length; i++) {
    const t = after.tokens[i];
    // Names start with a word or an e-mail, never with a grammar word.
    if ((t.kind !== 'word' && t.kind !== 'email') || (FUNCTION_WORDS.has(t.norm) && t.norm !== 'i')) continue;
    const run = peopleAfter(after, i);
    if (run && run.start === i && !run.users.includes('me')) {
      out.push({ users: run.users, start: i });
      i = run.end - 1;
    }
  }
  return out;
}

/** "Yaw" in a correction is "Yaw Darko" when the request named Yaw Darko. */
function asNamedBefore(name: string, before: readonly string[] | undefined): string {
  const lower = name.toLowerCase();
  return before?.find((u) => u.toLowerCase() === lower || u.toLowerCase().startsWith(`${lower} `)) ?? name;
}

const DROP_MARKERS = new Set(['scratch', 'drop', 'minus', 'without', 'except', 'not', 'leave']);
/** "Efua is staying on days", "Jo already has one", "Omari is a PA": said of someone who is left out. */
const LEFT_OUT_RE =
  /^(?:is|are|'s) (?:staying|not|no longer|already|actually a|a pa|an np)|^(?:already has|does not need|doesn't need|has one|won't need|will not need)/;

function explicitKind(after: Normalized): Draft['license'] {
  const k = licenseFromWords(after);
  return k === 'nursing' || k === 'physician' ? k : undefined;
}

function correctedPeople(
  before: Draft,
  after: Normalized,
  markerText: string,
): { users: string[]; narrowed: boolean } | undefined {
  const named = peopleIn(after);
  if (!named.length) return undefined;
  const marker =
    markerText
      .split(' ')
      .filter((w) => /\p{L}/u.test(w))
      .pop() ?? '';
  // "just Tariq", "it's just Yaw", "only Dana".
  for (const p of named) {
    const prev = after.tokens[p.start - 1]?.norm;
    if (prev === 'just' || prev === 'only')
      return { users: p.users.map((u) => asNamedBefore(u, before.users)), narrowed: true };
  }
  // "scratch Jo", "not Fabrikam", "Efua is staying on days": those are left out.
  if (before.users?.length) {
    const out = named.filter((p) => {
      const prev = after.tokens[p.start - 1]?.norm ?? marker;
      const rest = fromTokens(after.source, after.tokens.slice(p.start + 1)).text;
      return DROP_MARKERS.has(prev) || (p.start === 0 && DROP_MARKERS.has(marker)) || LEFT_OUT_RE.test(rest);
    });
    if (out.length) {
      const gone = new Set(out.flatMap((p) => p.users.map((u) => asNamedBefore(u, before.users))));
      const left = before.users.filter((u) => !gone.has(u));
      return left.length ? { users: left, narrowed: true } : undefined;
    }
  }
  return { users: named[0].users, narrowed: false };
}

/** A bare number in a correction ("actually make it 4", "— make that 180", "typo, 1234567"). */
function bareNumber(after: Normalized): string | undefined {
  const nums = after.tokens.filter((t) => t.kind === 'number' && /^\d+$/.test(t.norm));
  return nums.length ? nums[nums.length - 1].norm : undefined;
}

/** "PT2H" with 4 → "PT4H"; "P90D" with 180 → "P180D". */
function withAmount(iso: string, amount: string): string {
  return iso.replace(/\d+(?=[A-Z]$)/, amount);
}

const CHECK_CUE_RE =
  /\b(?:check|see|find out|verify|confirm|tell me|let me know) (?:if|whether)\b|\bjust (?:check|see|show|tell)\b/;

export interface CorrectionContext {
  now: Date;
  /** The words that mark the correction ("actually", "scratch", "sorry ,"). */
  marker: string;
  /** The question rules, for a correction that turns the change into a question. */
  ask: (n: Normalized) => Draft;
}

export function correctionFrom(before: Draft, after: Normalized, ctx: CorrectionContext): Draft {
  const out: Draft = { ...before };
  // "status of request 77… actually just cancel it".
  if (
    before.requestId !== undefined &&
    /\b(?:cancel|withdraw|scrap|kill) (?:it|that|this|the request)\b/.test(after.text)
  )
    return { intent: 'request.cancel', requestId: before.requestId };
  // "Please make Dr. Farahani a Dragon admin. Actually, let's just check whether she already is one."
  if (CHECK_CUE_RE.test(after.text)) {
    const asked = ctx.ask(after);
    if ((asked.intent === 'role.check' || asked.intent === 'license.check') && asked.users?.length) return asked;
    // "… let's just check whether she already is one": the same people, checked instead.
    if (before.users?.length && (before.intent.startsWith('role') || before.intent.startsWith('license'))) {
      const intent = before.intent.startsWith('role') ? 'role.check' : 'license.check';
      return { intent, users: before.users, role: before.role, license: before.license };
    }
  }
  const license = kindIn(after);
  if (license === 'ask') delete out.license;
  else if (license) out.license = license;
  if (!before.users?.length && license) return out;
  const duration = durationFrom(after);
  if (duration) {
    out.duration = duration.value;
    delete out.until;
  }
  const until = untilFrom(after, ctx.now);
  if (until?.value) {
    out.until = until.value;
    delete out.duration;
  }
  // "until Dec 20 — correction, Dec 18", "until Friday, er, Thursday": a date alone.
  let bareDate = false;
  if (before.until && !until?.value && !duration) {
    const date = untilPhrase(after, ctx.now);
    if (date) {
      out.until = date;
      bareDate = true;
    }
  }
  const number = !duration && !until && !bareDate ? bareNumber(after) : undefined;
  let numbered = false;
  if (number) {
    numbered = true;
    if (before.duration) out.duration = withAmount(before.duration, number);
    else if (before.partnerId !== undefined) out.partnerId = number;
    else if (before.requestId !== undefined) out.requestId = Number(number);
    else numbered = false;
  }
  // "make Fabrikam partner of record on EHR-Prod, no sorry, on EHR-Dev".
  if (before.subscription !== undefined || before.intent === 'partner.record') {
    const sub = subscriptionFrom(after)?.value ?? onName(after);
    if (sub) out.subscription = sub;
  }
  // "remove Fabrikam's admin roles. Wait — it's Tailspin Toys, not Fabrikam."
  if (before.partner !== undefined || before.customer !== undefined) {
    const org = orgStated(after, out.subscription);
    if (org && before.partner !== undefined) out.partner = org;
    if (org && before.customer !== undefined) out.customer = org;
  }
  if (!duration && !until && !bareDate && !numbered) {
    const people = correctedPeople(before, after, ctx.marker);
    if (people) {
      out.users = people.users;
      // "just Tariq — Omari is a PA": what is said of someone left out says nothing of the kind.
      if (people.narrowed) out.license = explicitKind(after) ?? before.license;
    } else if (license && license !== 'ask') out.license = license;
  }
  return out;
}

/** "on EHR-Dev", "sorry, Radiology-Dev": a subscription named in a correction. */
function onName(after: Normalized): string | undefined {
  const i = after.tokens.findIndex((t) => t.norm === 'on');
  const t = i >= 0 ? after.tokens[i + 1] : undefined;
  if (t && (t.kind === 'code' || /[A-Z]/.test(t.raw))) return t.raw;
  // A code-like name on its own ("Radiology-Dev", "Dev/Test").
  const code = after.tokens.find((x) => /^[\p{L}\p{N}]+(?:[-/][\p{L}\p{N}]+)+$/u.test(x.raw) && /\p{Lu}/u.test(x.raw));
  return code?.raw;
}

/** "it's Tailspin Toys, not Fabrikam": the organisation the correction puts in place. */
function orgStated(after: Normalized, subscription: string | undefined): string | undefined {
  for (let i = 0; i < after.tokens.length; i++) {
    const t = after.tokens[i];
    if (t.kind !== 'word' || !/^\p{Lu}/u.test(t.raw)) continue;
    if (['not', 'no', 'on', 'for'].includes(after.tokens[i - 1]?.norm ?? '')) continue;
    const org = orgAfter(after, i);
    if (org && org.value !== subscription && !/[-/]/.test(org.value)) return org.value;
  }
  return undefined;
}
