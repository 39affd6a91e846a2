/**
 * Which license kind the people a request is about need, read from the profession words that
 * describe them (LABELS.md): "our new nurse Maria", "Dr Ahmed, our new hospitalist", "Dana Reyes,
 * RN", "Femi is an RN and Orla is an LPN", "our two travel nurses, Brianna and Sione", "a new
 * resident starting Monday". A kind is given only when every person named is described and every
 * description points to the same kind; NP, PA, "provider", pharmacist, therapist… point to none
 * (the bot asks). A description of the speaker ("I'm the unit secretary") or of someone who is not
 * a target ("Nina, our nurse manager, asked me …") says nothing about the targets. Pure: no I/O.
 */
import type { LicenseKind } from '../domain/catalog';
import { HONORIFICS } from './lexicon';
import type { Normalized, Token } from './normalize';

type Kind = LicenseKind | 'ask';

/** Profession words and what they say about the license (LABELS.md). */
const PROFESSION_KIND: Readonly<Record<string, Kind>> = {
  nurse: 'nursing',
  rn: 'nursing',
  lpn: 'nursing',
  lvn: 'nursing',
  physician: 'physician',
  doctor: 'physician',
  attending: 'physician',
  resident: 'physician',
  'co-resident': 'physician',
  fellow: 'physician',
  hospitalist: 'physician',
  surgeon: 'physician',
  intern: 'physician',
  md: 'physician',
  cardiologist: 'physician',
  intensivist: 'physician',
  psychiatrist: 'physician',
  pediatrician: 'physician',
  radiologist: 'physician',
  anesthesiologist: 'physician',
  oncologist: 'physician',
  neurologist: 'physician',
  nephrologist: 'physician',
  internist: 'physician',
  obstetrician: 'physician',
  gynecologist: 'physician',
  dermatologist: 'physician',
  pathologist: 'physician',
  urologist: 'physician',
  neonatologist: 'physician',
  registrar: 'physician',
  anaesthetist: 'physician',
  anaesthesiologist: 'physician',
  consultant: 'physician',
  np: 'ask',
  pa: 'ask',
  'pa-c': 'ask',
  aprn: 'ask',
  crna: 'ask',
  practitioner: 'ask',
  assistant: 'ask',
  provider: 'ask',
  pharmacist: 'ask',
  therapist: 'ask',
  midwife: 'ask',
  scribe: 'ask',
  clinician: 'ask',
  student: 'ask',
  secretary: 'ask',
  clerk: 'ask',
  analyst: 'ask',
  coordinator: 'ask',
  technician: 'ask',
  tech: 'ask',
  informaticist: 'ask',
  dietitian: 'ask',
  social: 'ask',
};

/** Plural forms: a plural description covers every person named ("our two travel nurses, A and B"). */
const PLURALS: Readonly<Record<string, string>> = {
  nurses: 'nurse',
  rns: 'rn',
  lpns: 'lpn',
  lvns: 'lvn',
  physicians: 'physician',
  doctors: 'doctor',
  attendings: 'attending',
  residents: 'resident',
  'co-residents': 'co-resident',
  fellows: 'fellow',
  hospitalists: 'hospitalist',
  surgeons: 'surgeon',
  interns: 'intern',
  mds: 'md',
  cardiologists: 'cardiologist',
  intensivists: 'intensivist',
  nps: 'np',
  pas: 'pa',
  practitioners: 'practitioner',
  assistants: 'assistant',
  providers: 'provider',
  pharmacists: 'pharmacist',
  therapists: 'therapist',
  students: 'student',
  scribes: 'scribe',
  clinicians: 'clinician',
};

/** What a profession word, singular or plural, says about the license: a kind, "ask", or nothing. */
export function professionKind(word: string): Kind | undefined {
  return PROFESSION_KIND[PLURALS[word] ?? word];
}

/** Two-word professions that the hospital decides case by case, or whose first word misleads. */
const ASK_PHRASES_RE =
  /^(?:nurse practitioners?|nurse anesthetists?|nurse midwi(?:fe|ves)|physician assistants?|physician associates?|physician extenders?|nursing students?|medical students?|social workers?|physical therapists?)$/;

/** Nouns that make a profession word a license kind ("a physician license"), not a description. */
const KIND_NOUNS = new Set(['license', 'licenses', 'seat', 'seats', 'version', 'edition', 'sku', 'one', 'group']);

/** Verbs after a profession word that make it the one asking ("our secretary asked me to …"). */
const RELAY_VERBS = new Set([
  'asked',
  'asks',
  'said',
  'says',
  'told',
  'emailed',
  'mentioned',
  'wants',
  'wanted',
  'called',
]);

interface Mention {
  kind: Kind;
  plural: boolean;
  /** Describes the speaker ("I'm an RN", "as a nurse manager, I …"). */
  self: boolean;
  /** Describes a named person who is not among the targets. */
  other: boolean;
}

function clauseStart(t: readonly Token[], i: number): number {
  let s = i;
  while (s > 0 && !['.', '?', ';'].includes(t[s - 1].norm)) s--;
  return s;
}

/** "I'm a …", "I work as …", "as an RN, I …" just before the word. */
function describesSpeaker(t: readonly Token[], i: number): boolean {
  const start = clauseStart(t, i);
  // "Unit coordinator for 8 West here.", "Ward clerk on 3 North writing.": the speaker introduces themselves.
  let end = i;
  while (end < t.length && !['.', '?', ';', ','].includes(t[end].norm)) end++;
  if (['here', 'writing', 'speaking'].includes(t[end - 1]?.norm ?? '') && end - start <= 8) return true;
  for (let j = i - 1; j >= start && i - j <= 6; j--) {
    const w = t[j].norm;
    if (w === 'i am' || w === 'i work' || (w === 'i' && ['am', 'work'].includes(t[j + 1]?.norm ?? ''))) return true;
    // "Hello, this is the ward clerk for 2 North."
    if (w === 'this' && t[j + 1]?.norm === 'is' && j === start) return true;
    if (w === 'as' && j === start) return true;
    if ([',', 'and', 'but', 'who', 'he', 'she', 'they'].includes(w)) return false;
  }
  return false;
}

function lower(s: string): string {
  return s.toLowerCase();
}

/**
 * A profession word right before a name ("our nurse Chidi Okonkwo") or in apposition after one
 * ("Nina, our nurse manager,"): the name it describes, lower case, or undefined.
 */
function describedName(t: readonly Token[], i: number, end: number): string | undefined {
  // Before a name: "nurse Chidi Okonkwo".
  const after = t[end];
  if (after && after.kind === 'word' && /^\p{Lu}/u.test(after.raw) && !after.first) {
    let k = end;
    const parts: string[] = [];
    while (t[k] && t[k].kind === 'word' && /^\p{Lu}/u.test(t[k].raw) && parts.length < 4) parts.push(t[k++].raw);
    return lower(parts.join(' '));
  }
  // Apposition: "Nina, our new nurse manager, …" — the name before the comma.
  let j = i - 1;
  while (j >= 0 && t[j].kind === 'word' && !/^\p{Lu}/u.test(t[j].raw) && i - j <= 4) j--;
  if (t[j]?.norm === ',' && t[j - 1]?.kind === 'word') {
    const parts: string[] = [];
    let k = j - 1;
    while (k >= 0 && t[k].kind === 'word' && /^\p{Lu}/u.test(t[k].raw) && parts.length < 4) parts.unshift(t[k--].raw);
    if (parts.length) return lower(parts.join(' '));
  }
  return undefined;
}

function mentions(n: Normalized, users: readonly string[]): Mention[] {
  const t = n.tokens;
  const targets = users.map(lower);
  const out: Mention[] = [];
  for (let i = 0; i < t.length; i++) {
    const w = t[i].norm;
    const bare = w.replace(/^co-/, '');
    const base = PLURALS[bare] ?? (bare.endsWith('s') && PROFESSION_KIND[bare.slice(0, -1)] ? bare.slice(0, -1) : bare);
    let kind = PROFESSION_KIND[base];
    if (!kind) continue;
    let end = i + 1;
    const pair = `${w} ${t[i + 1]?.norm ?? ''}`;
    if (ASK_PHRASES_RE.test(pair)) {
      kind = 'ask';
      end = i + 2;
    } else if (ASK_PHRASES_RE.test(`${t[i - 1]?.norm ?? ''} ${w}`)) {
      continue;
    }
    // "our hospitalist group's newest members": the members of a profession's group are of it.
    const groupOf =
      ['group', 'team', 'service'].includes(t[end]?.norm ?? '') &&
      t[end + 1]?.norm === "'s" &&
      /^(?:(?:new|newest|latest|incoming|two|three|four) )*(?:members|hires|starters|joiners|colleagues)\b/.test(
        t
          .slice(end + 2, end + 5)
          .map((x) => x.norm)
          .join(' '),
      );
    if (groupOf) {
      out.push({ kind, plural: true, self: describesSpeaker(t, i), other: false });
      i = end + 1;
      continue;
    }
    // "a physician license" names the kind; the license rules read it.
    if (KIND_NOUNS.has(t[end]?.norm ?? '')) continue;
    // "doctor Patel" is an honorific.
    if (HONORIFICS.has(w) && t[end]?.kind === 'word' && /^\p{Lu}/u.test(t[end].raw)) continue;
    // "nurse manager", "charge nurse", "nurse educator": still the same kind.
    while (['manager', 'managers', 'educator', 'educators', 'supervisor', 'lead', 'leads'].includes(t[end]?.norm ?? ''))
      end++;
    const name = describedName(t, i, end);
    // "Our unit secretary asked me to …": the one who relays the ask, not its target.
    const relays = !name && RELAY_VERBS.has(t[end]?.norm ?? '');
    out.push({
      kind,
      plural: base !== w,
      self: describesSpeaker(t, i),
      other:
        relays ||
        (!!name &&
          !targets.some(
            (u) =>
              u === name ||
              name.endsWith(` ${u}`) ||
              u.endsWith(` ${name}`) ||
              u.startsWith(`${name} `) ||
              name.startsWith(`${u} `),
          )),
    });
    i = end - 1;
  }
  return out;
}

/**
 * The kind the descriptions of the targets imply, or undefined (none stated, mixed, or a kind the
 * hospital decides). `users` are the people read for the request (none when nobody was named: a
 * description then stands for the target, "a license for a new nurse").
 */
export function kindOfTargets(n: Normalized, users: readonly string[] | undefined): LicenseKind | undefined {
  const people = users ?? [];
  const speaker = people.includes('me');
  const found = mentions(n, people).filter((m) => !m.other && (speaker || !m.self));
  if (!found.length) return undefined;
  const kinds = new Set(found.map((m) => m.kind));
  if (kinds.size !== 1 || kinds.has('ask')) return undefined;
  // Every person must be described: one word per person, or a plural word for them all.
  const covered = found.some((m) => m.plural) || found.length >= Math.max(1, people.length);
  return covered ? ([...kinds][0] as LicenseKind) : undefined;
}

/**
 * The kind the speaker's own description implies ("New locum anaesthetist here.", "I'm one of
 * the gastroenterology consultants"), or undefined.
 */
export function speakerKind(n: Normalized): LicenseKind | undefined {
  const kinds = new Set(
    mentions(n, ['me'])
      .filter((m) => m.self)
      .map((m) => m.kind),
  );
  if (kinds.size !== 1 || kinds.has('ask')) return undefined;
  return [...kinds][0] as LicenseKind;
}
