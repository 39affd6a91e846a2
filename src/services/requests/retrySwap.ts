/**
 * Background steps on a pending request (a reminder, an escalation, an approver who could not be
 * reached, a review's deadline) are each one compare-and-swap. When another change wins the swap
 * (two steps due together on two instances, a click) the step reads the request again and runs on
 * it as it now stands; only when it keeps losing does it throw, so the timer or delivery that ran it
 * is tried again later.
 */
import type { DeskRequest } from '../../domain/request';

export async function onPendingRequest<R extends DeskRequest>(
  read: (id: number) => Promise<R | undefined>,
  requestId: number,
  /** True when done (or nothing is left to do); false when another change won the swap. */
  step: (req: R) => Promise<boolean>,
  o: { attempts: number; what: string },
): Promise<void> {
  for (let attempt = 0; attempt < o.attempts; attempt++) {
    const req = await read(requestId);
    if (req?.state !== 'pending') return;
    if (await step(req)) return;
  }
  throw new Error(`request #${requestId} kept changing while ${o.what}; it runs again`);
}
