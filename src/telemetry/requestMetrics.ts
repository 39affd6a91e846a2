/**
 * The request store, reporting each change it makes to telemetry. Every request moves through
 * `create` and `transition` (design.md, "The request lifecycle"), so this is where requests by
 * state, time to decision, time to license Active and failed executions are seen, with the
 * timestamps the store itself wrote. Only used when telemetry is on.
 */
import type { RequestStore } from '../store/types';
import type { Telemetry } from '.';

export function reportingRequestChanges(requests: RequestStore, telemetry: Telemetry): RequestStore {
  // Every other method is the store's own, with the store as `this`.
  const wrapped = Object.create(requests) as RequestStore;
  wrapped.create = async (input, audit) => {
    const created = await requests.create(input, audit);
    telemetry.requestChanged(created);
    return created;
  };
  wrapped.createOnce = async (claim, input, audit, following) => {
    const created = await requests.createOnce(claim, input, audit, following);
    if (created) telemetry.requestChanged(created);
    return created;
  };
  wrapped.transition = async (id, expected, event, changes, audit) => {
    const next = await requests.transition(id, expected, event, changes, audit);
    // A lost race changed nothing: the winner reports.
    if (next) telemetry.requestChanged(next, event);
    return next;
  };
  return wrapped;
}
