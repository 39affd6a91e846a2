/**
 * Microsoft's own Graph entity types (@microsoft/microsoft-graph-types, generated from Graph's v1.0
 * metadata), and the few helpers that turn "every property optional" into the fields an answer is
 * known to carry. The client's entity types (types.ts) and the dev tenant's records and answers are
 * built from them, so a property name that drifts from Graph's is a compile error on both sides.
 *
 * Types only: every import of the package is `import type`, so nothing of it is loaded at run time
 * (test/tenant/graphTypes.test.ts checks that).
 */
import type * as Graph from '@microsoft/microsoft-graph-types';

export type { Graph };

/** Properties K of Graph type T, present and never null. */
export type Present<T, K extends keyof T> = { [P in K]-?: NonNullable<T[P]> };

/** Properties K of T, present; null stays where Graph allows it. */
export type Defined<T, K extends keyof T> = { [P in K]-?: Exclude<T[P], undefined> };

/** Properties K of T, optional and never null. */
export type Optional<T, K extends keyof T> = { [P in K]?: NonNullable<T[P]> };

/**
 * Property K of T, present, with a narrower value V (an enum Graph types as string, or a complex
 * value with its own required fields). V must be a value Graph's type accepts.
 */
export type Narrowed<T, K extends keyof T, V extends NonNullable<T[K]>> = { [P in K]-?: V };

/** Like Narrowed, keeping null where Graph's property is nullable. */
export type NarrowedOrNull<T, K extends keyof T, V extends NonNullable<T[K]>> = {
  [P in K]-?: null extends T[P] ? V | null : V;
};
