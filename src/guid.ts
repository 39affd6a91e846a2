/** Entra object ids, tenant ids, SKU ids and app ids are GUIDs; they compare without regard to case. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A string that fails the test is still a string (the first signature); anything else that passes
// is one (the second), so a check on a parsed JSON value narrows it.
export function isGuid(s: string): boolean;
export function isGuid(s: unknown): s is string;
export function isGuid(s: unknown): boolean {
  return typeof s === 'string' && GUID.test(s);
}
