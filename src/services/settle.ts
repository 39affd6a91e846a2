/**
 * Reads sent side by side where one may turn out not to be needed (a Global Administrator needs no
 * group membership; a principal that is a group has no user record): its failure is kept, and
 * thrown only where its answer is used.
 */
export type Settled<T> = { value: T } | { error: unknown };

export function settle<T>(read: Promise<T>): Promise<Settled<T>> {
  return read.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** The answer of a read that turned out to be needed, or its error. */
export function answerOf<T>(s: Settled<T>): T {
  if ('error' in s) throw s.error;
  return s.value;
}
