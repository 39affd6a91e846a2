/**
 * A compiled form of the card templates that only bind data by path (`"${title}"`,
 * `"${can.submit}"`, `"${$root.requestId}"`, with `$data` and `$when`): each template is turned
 * once into plain functions that read the view model directly.
 *
 * Why: adaptivecards-templating evaluates every binding through adaptive-expressions (a memory
 * object, path splitting, case-insensitive lookups, option objects), and a license request renders
 * three request cards: that was a tenth of its CPU and a quarter of what it allocated (bench/).
 *
 * adaptivecards-templating stays the definition of what a template means: this reproduces its
 * expansion for the subset (a missing value stays as the literal `${path}`, a null stays null,
 * `$when` keeps an element only for a boolean true, `$data` repeats it per item and sets `$index`,
 * property names match ignoring case, see `property`), and a template using anything
 * else (operators, functions, text around a binding) is left to the library (`compilePathTemplate`
 * answers undefined). Under jest every card is expanded both ways and compared (template.ts).
 */

type Scope = { root: unknown; data: unknown; index: number | undefined };
type Compiled = (scope: Scope) => unknown;

/** `${path}` and nothing else, path = names joined by dots, optionally from $root / $data / $index. */
const BINDING = /^\$\{\s*((?:\$root|\$data|\$index|[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}$/;

const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

class Unsupported extends Error {}

/**
 * adaptive-expressions' property access ignores case. It takes the first own name that matches;
 * this takes the exact name when there is one and the first match otherwise, which is the same
 * unless an object has two names differing only in case (no view model does, and the tests'
 * cross-check would show one). Looking for the exact name first spares listing the keys.
 */
function property(value: unknown, name: string): unknown {
  if (!value) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof value === 'object' && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(record, name))
    return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

/** Reads a binding's value; undefined when any step is missing. */
function reader(path: string): (scope: Scope) => unknown {
  const [first, ...rest] = path.split('.');
  const start: (s: Scope) => unknown =
    first === '$root'
      ? (s) => s.root
      : first === '$data'
        ? (s) => s.data
        : first === '$index'
          ? (s) => s.index
          : (s) => property(s.data, first);
  if (rest.length === 0) return start;
  return (s) => {
    let v = start(s);
    for (const step of rest) {
      if (v === undefined) return undefined;
      v = property(v, step);
    }
    return v;
  };
}

function compileString(text: string): Compiled {
  if (!text.includes('${')) return () => text;
  const m = BINDING.exec(text);
  if (!m) throw new Unsupported(text);
  const read = reader(m[1]);
  // The library leaves a binding it cannot resolve as written, e.g. "${missing}".
  const unresolved = `\${${m[1]}}`;
  return (s) => {
    const v = read(s);
    return v === undefined ? unresolved : v;
  };
}

function compileArray(items: unknown[]): Compiled {
  const parts = items.map(compileNode);
  return (s) => {
    const out: unknown[] = [];
    for (const part of parts) {
      const v = part(s);
      if (v === null) continue;
      if (Array.isArray(v)) out.push(...(v as unknown[]));
      else out.push(v);
    }
    return out;
  };
}

function compileObject(node: Record<string, unknown>): Compiled {
  const when = node.$when;
  const data = node.$data;
  let whenRead: ((s: Scope) => unknown) | undefined;
  let dropAlways = false;
  if (typeof when === 'string' && when.includes('${')) {
    const m = BINDING.exec(when);
    if (!m) throw new Unsupported(when);
    whenRead = reader(m[1]);
  } else if (when) {
    // A $when that is not a binding drops the element (the library warns and does the same).
    dropAlways = true;
  }
  // A $data given inline (not a binding) is left to the library, which treats it its own way.
  if (data !== undefined && (typeof data !== 'string' || !BINDING.test(data)))
    throw new Unsupported(JSON.stringify(data));
  const dataRead = data === undefined ? undefined : compileString(data);
  const keys = Object.keys(node).filter((k) => !RESERVED.has(k));
  const values = keys.map((k) => compileNode(node[k]));

  const single = (s: Scope): Record<string, unknown> | undefined => {
    if (dropAlways) return undefined;
    if (whenRead && whenRead(s) !== true) return undefined;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const v = values[i](s);
      if (v !== undefined) out[keys[i]] = v;
    }
    return out;
  };

  return (s) => {
    const saved = { data: s.data, index: s.index };
    const results: Record<string, unknown>[] = [];
    if (!dataRead) {
      const r = single(s);
      if (r) results.push(r);
    } else {
      const context = dataRead(s);
      const contexts = Array.isArray(context) ? context : [context];
      for (let i = 0; i < contexts.length; i++) {
        if (Array.isArray(context)) s.index = i;
        if (contexts[i] !== undefined) s.data = contexts[i];
        const r = single(s);
        if (r) results.push(r);
      }
    }
    s.data = saved.data;
    s.index = saved.index;
    return results.length === 0 ? null : results.length === 1 ? results[0] : results;
  };
}

function compileNode(node: unknown): Compiled {
  if (typeof node === 'string') return compileString(node);
  if (Array.isArray(node)) return compileArray(node);
  if (node !== null && typeof node === 'object') return compileObject(node as Record<string, unknown>);
  return () => node;
}

/** The expansion function for `template`, or undefined when it uses more than path bindings. */
export function compilePathTemplate(template: unknown): ((root: object) => unknown) | undefined {
  let compiled: Compiled;
  try {
    compiled = compileNode(template);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  return (root) => compiled({ root, data: root, index: undefined });
}
