import { COMMON_WORDS_TEXT } from './commonWords';

/**
 * The words the grammar knows, as data. Kept apart from the rules so that a reader can see at a
 * glance which words decide what, and so that name detection ("is this token a person's name?")
 * and the rules agree on the same vocabulary. Pure: no I/O.
 */

function words(...lists: string[]): Set<string> {
  return new Set(lists.flatMap((l) => l.split(/\s+/).filter(Boolean)));
}

/** Grammar words that never start, end or make up a person's or organisation's name. */
export const FUNCTION_WORDS = words(
  'a an the this that these those some any all every each no none another other others either neither both',
  'few many much more most such own same',
  'my mine you your yours yourself yourselves we us our ours ourselves they them their theirs he him his himself',
  'she her hers herself it its itself one ones someone somebody anyone anybody everyone everybody nobody',
  'something anything everything nothing',
  'who whom whose which what whatever whoever where when why how',
  'for to from of in on at by with without about into onto over under between through during before after',
  'above below up down off out as per via than like until till since near within across around along',
  'and or but nor so yet if because though although while whether then also too either else once unless',
  'am is are was were be been being have has had having do does did doing done',
  'can could may might must shall should will would',
  'not yes ok okay just very really now today tomorrow yesterday tonight asap soon again still already',
  'anymore here there maybe only even ever never always instead away back',
  'please thanks hi hello hey',
);

/** Verbs people use around the things Dragon Desk does; never part of a name. */
export const VERBS = words(
  'need needs needed want wants wanted give gives gave given giving get gets got getting gotten',
  'make makes made making set sets setting add adds added adding remove removes removed removing',
  'assign assigns assigned assigning grant grants granted granting revoke revokes revoked revoking',
  'take takes took taking taken provision provisioned provisioning request requests requested requesting',
  'love enroll enrolled sign signed hook hooked put let see show showing list check tell know think',
  'say said ask asked asking find help use using work works working start starts started starting',
  'leave leaves left leaving retire retires retired retiring quit resigned resign move moved transfer transferred',
  'elevate elevated promote promoted demote demoted strip stripped unassign unassigned deprovision',
  'deprovisioned delete deleted drop dropped pull pulled release released reclaim reclaimed free freed',
  'cancel cancelled canceled deactivate deactivated activate activated disable disabled enable enabled',
  'allocate allocated issue issued onboard onboarded register registered link linked unlink unlinked',
  'change changed update updated replace replaced switch switched send sent create created prepare',
  'prepared draft drafted configure configured run buy bought purchase purchased order ordered sell sold',
  'cost costs keep stay become try go goes going went come coming require requires required cover',
  'covering covers approve approved approving reject rejected look looking hire hired join joined',
  'starts appoint appointed nominate nominated attach attached associate associated connect connected',
  'terminate terminated end ended invite invited chart charting dictate dictating document documenting',
  'test testing train training support supporting troubleshoot troubleshooting fix fixing access',
  'accessing install installed relicense unlicense allowed allow allows able see sees saw manage manages managing handle handles do',
  'stop stops stopped keep kept finish finished resign resigns',
);

/** Words about Dragon Desk's subject matter; a token that is one of these is not somebody's name. */
export const DOMAIN_WORDS = words(
  'dragon dax copilot license licenses licensed licensing seat seats nursing nurse nurses',
  'physician physicians doctor doctors doc docs md mds rn rns lpn lvn np nps pa pas aprn crna provider providers',
  'hospitalist hospitalists attending attendings resident residents surgeon surgeons intern interns',
  'admin admins role roles rights right permission permissions group groups team teams center centre',
  'account accounts version edition sku plan plans tenant subscription subscriptions sub partner partners',
  'bot user users staff member members people person colleague colleagues coworker coworkers co-worker',
  'teammate teammates employee employees manager managers boss clinician clinicians new',
  'unit floor icu er hospital clinic department dept shift night nights day days hour hours hr hrs',
  'minute minutes min mins week weeks month months year years note notes documentation',
  'go-live golive coverage project reason justification ticket status approval approvals pending queue',
  'number id mpn pal gdap dap dpor record relationship relationships offer invite invitation',
  'thing things stuff anybody everybody practitioner practitioners pharmacist pharmacists therapist therapists',
);

/**
 * Honorifics stripped from names so that "dr patel", "Dr. Patel" and "doctor Patel" all become
 * "Patel". A title names a person; it never says which license they should get.
 */
export const HONORIFICS = words('dr drs doctor doctors mr mrs ms mx miss prof professor');

/** Credentials written after a name ("Dana Reyes, RN"): dropped, never read as a license choice. */
export const CREDENTIALS = words('md do rn lpn lvn np pa pa-c aprn crna dnp phd msn bsn cna mph facp');

/** Self references: all of them become the single value "me". */
export const SELF_WORDS = words('i me myself');

/** Words that join the names of a list: "Dana Reyes, Sam and Lee", "Sam & Lee". */
export const LIST_SEPARATORS = words(', ; and & + plus');

/**
 * Words that describe a person in front of their name ("my colleague Jen", "our new nurse Maria").
 * They are dropped before names are read. Describing someone as a nurse does not pick their
 * license: only the requester's own description or explicit license words do.
 */
export const DESCRIPTORS = words(
  'colleague coworker co-worker teammate nurse doctor physician resident hire employee manager boss',
  'attending hospitalist surgeon friend student intern fellow provider np pa rn clinician scribe',
  'member assistant starter joiner grad graduate locum contractor practitioner practitioners lpn lvn pharmacist',
  'therapist midwife md rns lpns preceptor preceptee orientee mentee mentor co-resident buddy registrar',
  'specialist informaticist educator secretary analyst coordinator technician anesthesiologist cardiologist',
  'intensivist neonatologist locum interns residents fellows nurses physicians doctors hospitalists surgeons',
  'anesthetist anaesthetist anesthesiologist anaesthesiologist dietitian paramedic technologist sonographer',
  'radiographer physiotherapist psychologist counselor counsellor chaplain receptionist officer director',
  'consultant worker aide tech informaticist pharmacist midwife specialist',
);

/** Determiners and pronouns that introduce a target which is not a named person ("for my team"). */
export const NON_PERSON_TARGET_STARTERS = words(
  'the my our your his her their all every everyone everybody these those some each them him us',
  'staff team new people anyone anybody someone somebody',
);

/** Words that make "X" an organisation-name boundary (partner, customer, subscription names). */
export const ORG_STOP = new Set<string>([
  ...FUNCTION_WORDS,
  ...VERBS,
  ...words(
    'partner partners gdap dap delegated admin admins administration offer invite invitation request',
    'relationship relationships role roles access rights permissions subscription subscriptions sub',
    'tenant record dpor mpn id link pal dragon license licenses limited full azure customer',
    'reader readers writers',
  ),
]);

/** Everyday workplace nouns that follow the verbs we read ("set up templates", "get coverage"). */
export const COMMON_NOUNS = words(
  'work job patients patient chart charts template templates note notes laptop computer workstation',
  'phone device mic microphone headset app apps software system systems email mail calendar meeting',
  'meetings schedule shifts coverage backup help info information details update updates list report',
  'reports data file files folder drive printer badge password login account epic access time',
  'week weekend month morning afternoon evening monday tuesday wednesday thursday friday saturday sunday',
  'unit units floor floors building site office clinic clinics department departments',
  'everything anything something nothing way ways question questions problem problems issue issues',
  'error errors training trainings course courses',
);

/** Self descriptions that make the requester's license kind clear ("I'm an RN"). */
export const NURSING_SELF = words('nurse nurses nursing rn lpn lvn');
export const PHYSICIAN_SELF = words(
  'physician doctor doc md hospitalist attending resident surgeon intensivist intern fellow provider',
  'psychiatrist pediatrician cardiologist radiologist anesthesiologist oncologist neurologist',
  'internist obstetrician gynecologist dermatologist pathologist urologist',
);
/**
 * Clinicians whose license kind a hospital decides case by case (advanced practice and allied
 * roles). When the requester describes themselves this way the parser leaves the license out and
 * the bot asks.
 */
export const AMBIGUOUS_SELF_PHRASES = [
  'nurse practitioner',
  'nurse anesthetist',
  'nurse midwife',
  'physician assistant',
  'physician associate',
  'physician extender',
];
export const AMBIGUOUS_SELF = words(
  'np aprn crna pa pa-c midwife cnm clinician therapist pharmacist scribe cna ma app',
);

/**
 * Products that are not Dragon Copilot. A request about one of them is not ours to parse:
 * "give me a Copilot license" must not become a Dragon request.
 */
export const OTHER_PRODUCTS = words(
  'copilot office o365 m365 e1 e3 e5 f1 f3 a1 a3 a5 visio powerbi exchange outlook onedrive sharepoint',
  'windows adobe acrobat epic cerner meditech zoom webex slack github intune defender dynamics',
  'salesforce chatgpt gpt openai powerapps',
);
export const OTHER_PRODUCT_PHRASES = [
  'power bi',
  'power apps',
  'power automate',
  'teams premium',
  'teams phone',
  'teams license',
  'teams channel',
  'microsoft teams',
  'ms teams',
  'microsoft 365',
  'office 365',
  'project online',
  'entra id p1',
  'entra id p2',
  'azure ad',
];

/**
 * Entra roles people ask partners for (GDAP) or ask to be given, by their written name with
 * "admin" already normalised from "administrator". Value = the hyphenated role name reported in
 * `roles`. Longest phrases first so "privileged role admin" wins over "role admin".
 */
export const ENTRA_ROLE_PHRASES: readonly (readonly [string, string])[] = (
  [
    ['customer delegated admin relationship admin', 'customer-delegated-admin-relationship-administrator'],
    ['privileged authentication admin', 'privileged-authentication-administrator'],
    ['privileged role admin', 'privileged-role-administrator'],
    ['cloud application admin', 'cloud-application-administrator'],
    ['service support admin', 'service-support-administrator'],
    ['teams communications admin', 'teams-communications-administrator'],
    ['authentication admin', 'authentication-administrator'],
    ['application admin', 'application-administrator'],
    ['compliance admin', 'compliance-administrator'],
    ['conditional access admin', 'conditional-access-administrator'],
    ['security admin', 'security-administrator'],
    ['security reader', 'security-reader'],
    ['security operator', 'security-operator'],
    ['exchange admin', 'exchange-administrator'],
    ['sharepoint admin', 'sharepoint-administrator'],
    ['teams admin', 'teams-administrator'],
    ['intune admin', 'intune-administrator'],
    ['global admin', 'global-administrator'],
    ['global reader', 'global-reader'],
    ['user admin', 'user-administrator'],
    ['license admin', 'license-administrator'],
    ['billing admin', 'billing-administrator'],
    ['helpdesk admin', 'helpdesk-administrator'],
    ['help desk admin', 'helpdesk-administrator'],
    ['password admin', 'password-administrator'],
    ['groups admin', 'groups-administrator'],
    ['group admin', 'groups-administrator'],
    ['directory readers', 'directory-readers'],
    ['directory reader', 'directory-readers'],
    ['directory writers', 'directory-writers'],
    ['directory writer', 'directory-writers'],
    ['reports reader', 'reports-reader'],
    ['message center reader', 'message-center-reader'],
    ['dragon admin', 'dragon-administrator'],
  ] as const
)
  .slice()
  .sort((a, b) => b[0].length - a[0].length);

/** Reasons that make "for …" a justification rather than a person ("for go-live support"). */
export const REASON_WORDS = words(
  'go-live golive training support coverage covering troubleshooting testing audit audits project pilot',
  'upgrade migration rollout charting documentation dictation notes onboarding orientation research',
  'demo evaluation trial implementation incident outage investigation maintenance configuration',
  'cleanup review template templates backlog reporting setup',
);

/** Number words people write in durations and counts. */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  couple: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  'forty-five': 45,
  fortyfive: 45,
  sixty: 60,
  ninety: 90,
};

/** Days and months: capitalised by everyone, and never a person in a request. */
export const CALENDAR_WORDS = words(
  'monday tuesday wednesday thursday friday saturday sunday january february march june july august september october november december',
);

/**
 * Everyday English words that people write around a request ("ready", "sorry", "gone", "pool",
 * "beforehand", "west"). In lower case they are never read as a name; written with a capital in
 * mid-sentence they count only as part of a longer name whose other words are not everyday words
 * ("Lou Grant", "Kelly Ward"), never alone ("back to Pool", "Mercy West", "Ready Beforehand").
 * Abbreviations people type in capitals ("FYI", "PACU", "HR") are here too.
 */
export const EVERYDAY_WORDS = words(
  'ready sorry gone pool beforehand afterwards afterward later earlier early late first last next previous',
  'reflection thought thoughts second minute moment second idea mind sense point case matter reason',
  'push hotfix fix patch template editor button mic screen note notes chart admission discharge',
  'west east north south westside eastside northside southside central main mercy general memorial',
  'campus tower wing pod bay room suite lobby station lab labs pharmacy radiology cardiology oncology',
  'nephrology neurology pediatrics surgery medicine clinic outpatient inpatient ambulatory',
  'fyi pacu icu nicu picu micu sicu cvicu or ed er hr it ot pt gi ob ent ir ehr emr pto fmla eod eow',
  'happy glad sure fine great good bad okay alright busy free full empty open closed active inactive',
  'new old current former latest recent temporary permanent urgent quick quickly asap immediately',
  'hi hey hello morning afternoon evening night nights day days today tonight tomorrow yesterday weekend',
  'yes no nope yeah yep maybe perhaps probably definitely certainly actually basically honestly',
  'both all each either neither none several few many more most less least',
  'also too as well only just even still already yet again anymore any more',
  'everyone everybody someone somebody anyone anybody nobody noone',
  'unit floor ward team group staff department service services desk office',
  'contract rotation orientation residency fellowship program programme pilot rollout',
  'access login logins password badge email emails account accounts workstation laptop phone',
  'request requests ticket tickets approval approvals queue status update updates',
  'thanks thank cheers regards best kind kindly please pls',
  'lol omg btw fwiw imo tbh ty thx haha hehe lmao ugh hmm',
  'effective immediately tho though anyway anyways instead otherwise meanwhile',
  'credit usage spend consumption billing invoice quarter month week year',
  'gave notice shift shifts schedule coverage leave vacation holiday sabbatical',
  'typo typos wrong right correct incorrect mistake oops',
);

/** Never a person's name, however it is written. */
export const HARD_PERSON_STOP = new Set<string>([
  ...DESCRIPTORS,
  ...[...DESCRIPTORS].map((w) => (w.endsWith('s') ? w : `${w}s`)),
  ...FUNCTION_WORDS,
  ...VERBS,
  ...DOMAIN_WORDS,
  ...CALENDAR_WORDS,
  ...OTHER_PRODUCTS,
]);

/**
 * Everything that is never a person's name when written in lower case. Ordinary nouns
 * ("ward", "training") are also surnames, so a capitalised one in mid-sentence ("Kelly Ward") is
 * read as a name.
 */
export const PERSON_STOP = new Set<string>([...HARD_PERSON_STOP, ...REASON_WORDS, ...COMMON_NOUNS]);

/**
 * Names that are also grammar words ("Will", "May"): read as names only when capitalised in the
 * middle of a sentence.
 */
export const CAPITALISED_NAMES = words('will may');

/** The most common English words (commonWords.ts): in lower case, not a name on their own. */
export const COMMON_WORDS: ReadonlySet<string> = new Set(COMMON_WORDS_TEXT.split(' '));

/**
 * Given names that are also common words ("ivy", "grace", "mark"): read as names even in lower
 * case, where a sentence puts a person.
 */
export const GIVEN_NAME_WORDS = words(
  'ivy lee will mark pat robin dawn rose grace hope lily holly iris olive amber summer victor frank jack bill',
  'sue ray wade dean drew nick ken don art rich earl penny ruby daisy violet pearl sandy hazel willow glen',
  'miles sky joy faith june april august sterling chase hunter mason rowan sage jade crystal dale grant',
  'rob bob tom tim ben dan sam max jo al ed ted kit kay bea gene jean joe jim liz meg nan peg rex roy sid',
);
