/**
 * A value read from JSON (a Graph or ARM answer, a stored payload, a request body) as text: strings
 * as they are, numbers and booleans written out, anything else (missing, null, an object) empty —
 * never "[object Object]" in a name, an id or a message.
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return '';
}
