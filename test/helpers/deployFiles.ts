/**
 * Reading the deployment files without their tools: the Agents Toolkit's yml and env files, and the
 * parts of infra/*.bicep the tests check (no Bicep compiler can be installed offline). The Bicep
 * reader understands the subset azure.bicep uses for parameters, outputs, variables and app
 * settings, and throws on anything else, so a change outside that subset fails loudly rather than
 * being skipped.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { parse as parseYaml } from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..');

export const read = (rel: string): string => readFileSync(path.join(ROOT, rel), 'utf8');

// ── Agents Toolkit ──────────────────────────────────────────────────────────────────────────────

export interface ToolkitAction {
  uses: string;
  name?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}

export interface ToolkitProject {
  version: string;
  environmentFolderPath?: string;
  provision?: ToolkitAction[];
  deploy?: ToolkitAction[];
  publish?: ToolkitAction[];
}

export const TOOLKIT_FILES = {
  'm365agents.yml': 'env/.env.dev',
  'm365agents.local.yml': 'env/.env.local',
  'm365agents.playground.yml': 'env/.env.playground',
} as const;
export type ToolkitFile = keyof typeof TOOLKIT_FILES;

export function readToolkitProject(file: ToolkitFile): ToolkitProject {
  return parseYaml(read(file)) as ToolkitProject;
}

export function readEnvFile(rel: string): Record<string, string> {
  return dotenv.parse(read(rel));
}

/** The stages in the order the toolkit runs them (provision before deploy before publish). */
export function actionsInOrder(project: ToolkitProject): { stage: string; index: number; action: ToolkitAction }[] {
  return (['provision', 'deploy', 'publish'] as const).flatMap((stage) =>
    (project[stage] ?? []).map((action, index) => ({ stage, index, action })),
  );
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Every `${{NAME}}` in a value (strings inside objects and arrays included). */
export function placeholdersIn(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((m) => m[1]);
  if (Array.isArray(value)) return value.flatMap(placeholdersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(placeholdersIn);
  return [];
}

/** Replaces each `${{NAME}}` with `values[NAME]` (throws for a name without a value). */
export function expandPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    if (values[name] === undefined) throw new Error(`no sample value for \${{${name}}}`);
    return values[name];
  });
}

// ── Bicep ───────────────────────────────────────────────────────────────────────────────────────

export interface BicepParam {
  name: string;
  type: string;
  /** The default's expression, when there is one. */
  default?: string;
}

export interface BicepFile {
  params: BicepParam[];
  outputs: string[];
  vars: Record<string, string>;
  resources: Record<string, string>;
  text: string;
}

/** Top-level declarations, one per line (the house style of infra/). */
export function readBicep(rel: string): BicepFile {
  const text = read(rel);
  const params = [...text.matchAll(/^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/gm)].map((m) => ({
    name: m[1],
    type: m[2],
    default: m[3]?.trim(),
  }));
  const outputs = [...text.matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((m) => m[1]);
  const vars = Object.fromEntries([...text.matchAll(/^var\s+(\w+)\s*=\s*(.+)$/gm)].map((m) => [m[1], m[2].trim()]));
  const resources = Object.fromEntries(
    [...text.matchAll(/^(?:resource|module)\s+(\w+)\s+'([^']+)'/gm)].map((m) => [m[1], m[2]]),
  );
  return { params, outputs, vars, resources, text };
}

/** The web app's `appSettings` entries: name and value expression, in order. */
export function appSettings(bicep: BicepFile): { name: string; value: string }[] {
  const start = bicep.text.indexOf('appSettings: [');
  if (start < 0) throw new Error('no appSettings in the Bicep file');
  const end = bicep.text.indexOf('\n      ]', start);
  const block = bicep.text.slice(start, end);
  return [...block.matchAll(/name:\s*'([^']+)'\s*\n\s*value:\s*(.+)/g)].map((m) => ({
    name: m[1],
    value: m[2].trim(),
  }));
}

/** The parameters a module call passes: `params: { a: expr … }`. */
export function moduleParams(bicep: BicepFile, symbol: string): string[] {
  const start = bicep.text.search(new RegExp(`^module\\s+${symbol}\\s`, 'm'));
  if (start < 0) throw new Error(`no module ${symbol}`);
  const block = bicep.text.slice(start, bicep.text.indexOf('\n}', start));
  const params = block.slice(block.indexOf('params: {'));
  return [...params.matchAll(/^\s+(\w+):/gm)].map((m) => m[1]).filter((n) => n !== 'params');
}

export interface BicepSamples {
  /** Values of the parameters (after the toolkit expanded the parameters file). */
  params: Record<string, string>;
  /** Values of resource properties, by `symbol.path` (e.g. `identity.properties.clientId`). */
  properties: Record<string, string>;
}

/**
 * Evaluates a value expression of the subset azure.bicep uses: 'text with ${interpolation}',
 * a parameter, a variable, `symbol.property.path`, and `a == 'x' ? b : c`.
 */
export function evaluateBicep(expr: string, bicep: BicepFile, samples: BicepSamples): string {
  const e = expr.trim();
  const ternary = /^(.+?)\s*==\s*'([^']*)'\s*\?\s*(.+?)\s*:\s*(.+)$/.exec(e);
  if (ternary) {
    const [, left, literal, whenTrue, whenFalse] = ternary;
    return evaluateBicep(left, bicep, samples) === literal
      ? evaluateBicep(whenTrue, bicep, samples)
      : evaluateBicep(whenFalse, bicep, samples);
  }
  if (/^'.*'$/.test(e))
    return e.slice(1, -1).replace(/\$\{([^}]+)\}/g, (_m, inner: string) => evaluateBicep(inner, bicep, samples));
  if (/^\w+$/.test(e)) {
    if (e in bicep.vars) return evaluateBicep(bicep.vars[e], bicep, samples);
    const param = bicep.params.find((p) => p.name === e);
    if (!param) throw new Error(`'${e}' is neither a parameter nor a variable`);
    if (samples.params[e] !== undefined) return samples.params[e];
    if (param.default !== undefined) return evaluateBicep(param.default, bicep, samples);
    throw new Error(`parameter '${e}' has no value and no default`);
  }
  const property = /^(\w+)\.[\w.]+$/.exec(e);
  if (property) {
    if (!(property[1] in bicep.resources)) throw new Error(`'${property[1]}' is not a resource of the file`);
    if (samples.properties[e] === undefined) throw new Error(`no sample value for ${e}`);
    return samples.properties[e];
  }
  throw new Error(`expression outside the subset the tests read: ${e}`);
}
