/** Conversions between domain values and the TEXT columns that hold them (see schema.ts). */

export interface StoreClock {
  now(): Date;
}

export function nowIso(clock: StoreClock): string {
  return clock.now().toISOString();
}

/**
 * Normalises a caller's timestamp to the stored form (ISO-8601 UTC with milliseconds), so that
 * string comparison in SQL is time comparison whatever offset or precision the caller used.
 */
export function isoUtc(value: string): string {
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw new RangeError(`Not a timestamp: ${JSON.stringify(value)}`);
  return t.toISOString();
}

export function toJson(value: object): string {
  return JSON.stringify(value);
}

/**
 * A JSON object column as the type it was written as (a request's payload of its kind, a record of
 * its kind); anything but an object reads as an empty one.
 */
export function fromJson<T extends object = Record<string, unknown>>(text: string): T {
  const parsed: unknown = JSON.parse(text);
  return (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {}) as T;
}

/** NULL columns become absent properties, as the domain types use optional fields. */
export function opt<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}
