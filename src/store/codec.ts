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

export function toJson(value: Record<string, unknown>): string {
  return JSON.stringify(value);
}

export function fromJson(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

/** NULL columns become absent properties, as the domain types use optional fields. */
export function opt<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}
