/**
 * The Action.Execute verbs Dragon Desk routes, and the one shape of data they carry.
 *
 * Trust rule (design.md, "Trust boundaries"): card data is untrusted, so an action carries only
 * `{ requestId, version }`. Everything else (people, licenses, states) is read from the store.
 * Teams merges the card's input values into the same object when a button is clicked
 * (`justification`, `reason`, `choice_<n>`); `kind` is the one input-like value a button
 * carries itself (the license choice card), and it is checked against the catalog on arrival.
 */
import { LICENSE_KINDS, type LicenseKind } from '../domain/catalog';

export const CARD_VERBS = [
  'request.submit',
  'request.confirm',
  'request.cancel',
  'request.approve',
  'request.reject',
  'request.resolve',
  'request.kind',
  'request.refresh',
] as const;

export type CardVerb = (typeof CARD_VERBS)[number];

export function isCardVerb(value: unknown): value is CardVerb {
  return typeof value === 'string' && (CARD_VERBS as readonly string[]).includes(value);
}

/** What a handler may rely on after reading an untrusted Action.Execute / Action.Submit payload. */
export interface CardActionData {
  requestId: number;
  version: number;
  kind?: LicenseKind;
  justification?: string;
  reason?: string;
  /** `choice_<n>` values of the person picker, by question index. */
  choices: string[];
  /** A multi-select ChoiceSet `roles` (comma-separated values), e.g. the GDAP offer card. */
  roles?: string[];
  /** A `duration` input (ISO 8601), e.g. the GDAP offer card. */
  duration?: string;
  /** An `autoExtend` Input.Toggle ("true" / "false"). */
  autoExtend?: boolean;
  /** A `customerTenantId` Input.Text, e.g. the GDAP offer card; '' when it was left empty. */
  customerTenantId?: string;
}

const MAX_INPUT_CHARS = 2000;

function toInt(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function toText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().slice(0, MAX_INPUT_CHARS);
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Reads an action's `data` (Action.Execute `value.action.data`, or an Action.Submit fallback's
 * `value`) into typed fields, ignoring anything else it carries. Undefined when the request id or
 * version is missing: such a click cannot be matched to a request and must be refused.
 */
export function readActionData(data: unknown): CardActionData | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const record = data as Record<string, unknown>;
  const requestId = toInt(record.requestId);
  const version = toInt(record.version);
  if (requestId === undefined || version === undefined) return undefined;
  const kind = LICENSE_KINDS.find((k) => k === record.kind);
  const choices: string[] = [];
  for (let i = 0; typeof record[`choice_${i}`] === 'string'; i++) choices.push(String(record[`choice_${i}`]).trim());
  const result: CardActionData = { requestId, version, choices };
  if (kind) result.kind = kind;
  const justification = toText(record.justification);
  if (justification) result.justification = justification;
  const reason = toText(record.reason);
  if (reason) result.reason = reason;
  // Typed inputs only: values are still untrusted and checked by the handler against what it offered.
  const roles = toText(record.roles);
  if (roles !== undefined || record.roles === '')
    result.roles = (roles ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean)
      .slice(0, 50);
  const duration = toText(record.duration);
  if (duration) result.duration = duration.slice(0, 40);
  if (typeof record.customerTenantId === 'string')
    result.customerTenantId = record.customerTenantId.trim().slice(0, 100);
  if (record.autoExtend === 'true' || record.autoExtend === true) result.autoExtend = true;
  else if (record.autoExtend === 'false' || record.autoExtend === false) result.autoExtend = false;
  return result;
}
