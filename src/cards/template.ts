/**
 * Loads the JSON templates in the top-level `cards/` folder, expands them with
 * adaptivecards-templating and tidies the result so nothing odd reaches a person:
 * no leftover `${…}`, no empty text, no empty fact sets or action sets.
 *
 * The templates are read once, at first use, and kept as `Template` objects; those that bind data
 * by path only are also compiled (pathTemplate.ts), and that form is what expands them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Template } from 'adaptivecards-templating';
import { fromRoot } from '../paths';
import { compilePathTemplate } from './pathTemplate';
import type { AdaptiveCard, CardElement } from './types';

export type TemplateName =
  | 'request'
  | 'choose-person'
  | 'choose-license'
  | 'choose-reading'
  | 'help'
  | 'seats'
  | 'list'
  | 'notice'
  | 'gdap-offer'
  | 'confirm-step';

/** The `cards/` folder at the project root (read from there by src/ and dist/src/ alike). */
export function cardsDir(): string {
  return fromRoot('cards');
}

interface LoadedTemplate {
  library: Template;
  /** The compiled form, when the template binds data by path only (pathTemplate.ts). */
  compiled?: (root: object) => unknown;
}

const templates = new Map<TemplateName, LoadedTemplate>();

function template(name: TemplateName): LoadedTemplate {
  let t = templates.get(name);
  if (!t) {
    const file = path.join(cardsDir(), `${name}.json`);
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    t = { library: new Template(json), compiled: compilePathTemplate(json) };
    templates.set(name, t);
  }
  return t;
}

let crossCheck = false;

/**
 * Expand every card both ways (compiled and adaptivecards-templating) and throw when they differ.
 * The test suite turns this on for all its tests (test/helpers/crossCheckTemplates.ts), so every
 * card any test renders is checked against the library.
 */
export function crossCheckTemplates(on: boolean): void {
  crossCheck = on;
}

/** Template expansion as the library returns it: unbound fields are left as literal `${path}`. */
export function expandRaw(name: TemplateName, data: object): AdaptiveCard {
  const t = template(name);
  if (t.compiled && !crossCheck) return t.compiled(data) as AdaptiveCard;
  const expected = t.library.expand({ $root: data }) as AdaptiveCard;
  if (t.compiled && !isDeepStrictEqual(t.compiled(data), expected)) {
    throw new Error(
      `the compiled "${name}" template expanded differently from adaptivecards-templating for ${JSON.stringify(data).slice(0, 300)}`,
    );
  }
  return expected;
}

const PLACEHOLDER = /\$\{[^}]*\}/g;

/**
 * Every `${…}` left after expansion, with the JSON path where it sits. View models are built so
 * that this is empty; tests assert it, because the fallback below hides such mistakes from users.
 */
export function unboundPlaceholders(value: unknown, at = '$'): string[] {
  if (typeof value === 'string') return (value.match(PLACEHOLDER) ?? []).map((m) => `${at}: ${m}`);
  if (Array.isArray(value)) return value.flatMap((v, i) => unboundPlaceholders(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => unboundPlaceholders(v, `${at}.${k}`));
  }
  return [];
}

const CHILD_LIST_KEYS: ReadonlySet<string> = new Set(['body', 'items', 'columns', 'actions', 'facts']);

function childList(el: CardElement): unknown {
  switch (el.type) {
    case 'FactSet':
      return el.facts;
    case 'Container':
      return el.items;
    case 'ColumnSet':
      return el.columns;
    case 'ActionSet':
      return el.actions;
    default:
      return undefined;
  }
}

/** Would render as blank space: empty text, a fact without a value, a set with nothing in it. */
function isBlank(child: unknown): boolean {
  if (!child || typeof child !== 'object') return false;
  const el = child as Partial<CardElement> & { title?: unknown; value?: unknown };
  if (el.type === undefined) return 'value' in el && (typeof el.value !== 'string' || el.value === ''); // a fact
  if (el.type === 'TextBlock') return typeof el.text !== 'string' || el.text === '';
  const list = childList(el as CardElement);
  return list !== undefined && (!Array.isArray(list) || list.length === 0);
}

/**
 * One pass over the expanded card: leftover `${…}` are removed from every string, then, post-order
 * (so a container whose children were all dropped is itself dropped by its parent), what would
 * render as blank space is dropped. Columns are never dropped: an empty column is still a slot in a
 * layout (e.g. the seats bar).
 */
function tidy(node: unknown): unknown {
  if (typeof node === 'string') return node.includes('${') ? node.replace(PLACEHOLDER, '') : node;
  if (Array.isArray(node)) return node.map(tidy);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  const record = node as Record<string, unknown>;
  // for…in rather than Object.entries: this runs on every node of every card (bench/).
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const tidied = tidy(record[key]);
    out[key] = CHILD_LIST_KEYS.has(key) && Array.isArray(tidied) ? tidied.filter((c) => !isBlank(c)) : tidied;
  }
  if (out.type === 'AdaptiveCard' && Array.isArray(out.actions) && out.actions.length === 0) delete out.actions;
  return out;
}

/** Expands a template for a view model and returns a card that is safe to send. */
export function renderCard(name: TemplateName, data: object): AdaptiveCard {
  return tidy(expandRaw(name, data)) as AdaptiveCard;
}
