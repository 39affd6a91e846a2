/**
 * Statements built and compiled by Kysely once, then run many times with other values.
 *
 * Why: building a query with Kysely's builder and compiling it to SQL took more CPU than SQLite
 * took to run the store's indexed statements, and a license request runs about twenty of them
 * (bench/: Kysely was a tenth of a request's CPU, two thirds of it building and compiling). The
 * statement is still written with the builder, type-checked as usual; it is just built once per
 * shape, with stand-ins ("slots") where the values go, and Kysely's compiled SQL is kept.
 *
 * Kysely's own recipe for this ("splitting query building and execution") executes a compiled
 * query with `db.executeQuery`, which is what `run` does, inside a transaction or outside one; on
 * SQLite the statement runs directly when Kysely's queue would run it at once (DirectRunner in
 * dialect.ts).
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult, type Transaction } from 'kysely';
import { directRunnerOf, type DirectRunner } from './dialect';
import type { Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Stands for the value at `path` (indexes and property names into the values) while a statement is built. */
class Slot {
  constructor(readonly path: readonly (string | number)[]) {}
}

type Values = Readonly<Record<string, unknown>> | readonly unknown[];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** The values' shape with a Slot at every leaf: lists and plain records are followed, anything else is a value. */
function mirror(value: unknown, path: (string | number)[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => mirror(v, [...path, i]));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mirror(v, [...path, k])]));
  return new Slot(path);
}

function leaves(value: unknown, path: string[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, String(i)]));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path.join('.')];
}

function at(values: unknown, path: readonly (string | number)[]): unknown {
  let v = values;
  for (const step of path) v = (v as Record<string | number, unknown>)[step];
  return v;
}

interface Compiled {
  sql: string;
  /** Kysely's parameters, with a Slot where a run's value goes. */
  parameters: readonly unknown[];
}

export class PreparedStatements {
  private readonly compiled = new Map<string, Compiled>();
  private readonly direct: DirectRunner | undefined;

  /** `root`: the store's Kysely instance; every statement is compiled for its dialect. */
  constructor(private readonly root: Kysely<Database>) {
    this.direct = directRunnerOf(root);
  }

  /**
   * Runs the statement `build` makes with `values` (lists and records of values, e.g. the rows of
   * an insert), compiled once per `key`. `build` gets the same shape with a slot in place of each
   * value, and must hand each to Kysely unchanged, as a value: not inspect, convert or branch on
   * it, so the shape of the statement depends on the key alone (a key names the columns or the
   * list length it was built for). Values must be what the column stores: JSON already encoded,
   * null rather than undefined. The first compile of a key checks that every slot became a
   * parameter, so a misuse fails at once, in tests.
   */
  async run<V extends Values, R>(
    db: Db,
    key: string,
    values: V,
    build: (db: Kysely<Database>, slots: V) => Compilable<R>,
  ): Promise<QueryResult<R>> {
    let c = this.compiled.get(key);
    if (!c) {
      c = this.compile(key, values, build);
      this.compiled.set(key, c);
    }
    const parameters = c.parameters.map((p) => {
      if (!(p instanceof Slot)) return p;
      const v = at(values, p.path);
      if (v === undefined) throw new Error(`prepared statement "${key}": no value for ${p.path.join('.')}`);
      return v;
    });
    // On SQLite, at once when that is what Kysely's queue would do (see DirectRunner). `db` is the
    // root or a transaction of it (the stores' own), never another database's.
    const direct = this.direct?.run<R>(c.sql, parameters, db.isTransaction);
    if (direct) return direct;
    return db.executeQuery(CompiledQuery.raw(c.sql, parameters));
  }

  private compile<V extends Values, R>(
    key: string,
    values: V,
    build: (db: Kysely<Database>, slots: V) => Compilable<R>,
  ): Compiled {
    const query = build(this.root, mirror(values, []) as V).compile();
    const used = new Set(query.parameters.filter((p): p is Slot => p instanceof Slot).map((p) => p.path.join('.')));
    const missing = leaves(values).filter((k) => !used.has(k));
    if (missing.length) throw new Error(`prepared statement "${key}": ${missing.join(', ')} did not become parameters`);
    return { sql: query.sql, parameters: query.parameters };
  }

  /** Distinct statements compiled so far (tests). */
  get size(): number {
    return this.compiled.size;
  }
}
