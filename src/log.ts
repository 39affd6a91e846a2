/**
 * Structured one-line JSON logs. Callers pass facts, never secrets: tokens, passwords and
 * connection strings are not logged anywhere, and `redact` masks any that slip into a field.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const SECRET_KEY = /(password|secret|token|authorization|apikey|api_key|connectionstring|database_?url)/i;

/** A password inside a URL (`postgres://user:pw@host`) and bearer tokens, wherever a string carries them. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+:)[^@/?#\s]+@/gi;
const BEARER = /(bearer\s+)[a-z0-9._~+/=-]+/gi;

/** Masks secrets that slipped into free text (an error message quoting a connection string). */
export function scrub(text: string): string {
  return text.replace(URL_PASSWORD, '$1[redacted]@').replace(BEARER, '$1[redacted]');
}

/**
 * Masks values under secret-sounding keys at any depth (so logging a whole Config is safe) and
 * secrets embedded in strings. Depth is bounded because fields may be cyclic SDK objects.
 */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  return redactObject(fields, 0);
}

const MAX_DEPTH = 6;

function redactObject(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields))
    out[k] = SECRET_KEY.test(k) ? (v ? '[redacted]' : v) : redactValue(v, depth + 1);
  return out;
}

function redactValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return scrub(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) return '[too deep]';
  // An error's plain own fields (Graph's code and status) help; SDK errors also carry sockets and
  // requests, which are left out. Message and stack may quote secrets.
  if (v instanceof Error) {
    const plain = Object.fromEntries(
      Object.entries(v).filter(([, x]) => x === null || ['string', 'number', 'boolean'].includes(typeof x)),
    );
    return {
      ...redactObject(plain, depth),
      name: v.name,
      message: scrub(v.message),
      stack: v.stack === undefined ? undefined : scrub(v.stack),
    };
  }
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  // Dates, URLs and the like log as their JSON form, as JSON.stringify would show them.
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return redactValue(toJSON.call(v), depth + 1);
  return redactObject(v as Record<string, unknown>, depth);
}

/** A line as written, secrets already masked. */
export type LogLine = { t: string; level: LogLevel; msg: string } & Record<string, unknown>;

export interface LogCorrelation {
  /** Fields of the work in progress added to every line (telemetry's trace_id and span_id). */
  fields(): Record<string, unknown> | undefined;
  /** Where each line also goes (telemetry's log export), after it is written. */
  forward(line: LogLine): void;
}

let correlation: LogCorrelation | undefined;

/**
 * Set by telemetry when it starts (and cleared when it stops), so that every logger, however it
 * was created, ties its lines to the turn or execution they belong to.
 */
export function setLogCorrelation(c: LogCorrelation | undefined): void {
  correlation = c;
}

export function createLogger(
  level: LogLevel = 'info',
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const line: LogLine = {
      t: new Date().toISOString(),
      level: lvl,
      msg: scrub(msg),
      ...redact({ ...base, ...fields }),
      ...correlation?.fields(),
    };
    write(JSON.stringify(line));
    correlation?.forward(line);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/** For tests: a logger that keeps lines in memory. */
export function memoryLogger(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', {}, (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return Object.assign(logger, { lines });
}

export const silentLogger: Logger = createLogger('error', {}, () => undefined);
