/**
 * PIM for Groups (reference §6): time-bound active membership or ownership through
 * assignmentScheduleRequests, and the active schedules. The dev tenant honours the end time with
 * its injected clock: once it passes, the membership is gone on every read.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, resourceNotFound, unsupportedQuery } from '../errors';
import { equalityClauses, parseFilter, queryOption } from '../odata';
import type { Graph } from '../../tenant/graphTypes';
import type { ApiRequest, Route } from '../router';
import { checkBody, PIM_ACTIONS_NEEDING_SCHEDULE, PIM_GROUP_ASSIGNMENT_REQUEST } from '../rules';
import { isGuid } from '../../guid';
import type { PimAccess, PimScheduleRecord } from '../state';
import { allowOptions, bodyObject, json, metadata, type RouteDeps } from './shared';
import { asText } from '../../text';

const EXPIRATION_TYPES = {
  afterduration: 'afterDuration',
  afterdatetime: 'afterDateTime',
  noexpiration: 'noExpiration',
} as const;

function scheduleInfo(s: PimScheduleRecord): Graph.RequestSchedule {
  return {
    startDateTime: s.startDateTime,
    recurrence: null,
    expiration: { type: s.expirationType, endDateTime: s.endDateTime, duration: s.duration },
  };
}

function scheduleEntity(s: PimScheduleRecord): Graph.PrivilegedAccessGroupAssignmentSchedule {
  return {
    id: s.id,
    createdDateTime: s.createdDateTime,
    modifiedDateTime: s.createdDateTime,
    createdUsing: s.id,
    status: 'Provisioned',
    scheduleInfo: scheduleInfo(s),
    accessId: s.accessId,
    groupId: s.groupId,
    principalId: s.principalId,
    memberType: 'direct',
    assignmentType: 'assigned',
  };
}

function createRequest(deps: RouteDeps, req: ApiRequest) {
  const { state } = deps;
  const body = bodyObject(req);
  checkBody(body, PIM_GROUP_ASSIGNMENT_REQUEST);
  const { accessId, principalId, groupId, action, justification } = body;
  if (typeof action === 'string' && PIM_ACTIONS_NEEDING_SCHEDULE.includes(action) && !body.scheduleInfo) {
    throw badRequest(`The property 'scheduleInfo' is required on type '${PIM_GROUP_ASSIGNMENT_REQUEST.type}'.`);
  }
  if (accessId !== 'member' && accessId !== 'owner') {
    throw badRequest("Invalid value specified for property 'accessId': expected 'member' or 'owner'.");
  }
  if (!isGuid(principalId)) throw badRequest("Invalid value specified for property 'principalId'.");
  if (!isGuid(groupId)) throw badRequest("Invalid value specified for property 'groupId'.");
  if (justification !== undefined && justification !== null && typeof justification !== 'string') {
    throw badRequest("Invalid value specified for property 'justification'.");
  }
  const group = state.getGroup(groupId);
  if (!group) throw resourceNotFound(groupId);
  if (!state.objectKind(principalId)) throw resourceNotFound(principalId);

  const now = state.clock.now();
  const info = (body.scheduleInfo ?? {}) as Record<string, unknown>;
  const start =
    info.startDateTime === undefined || info.startDateTime === null ? now : new Date(asText(info.startDateTime));
  if (Number.isNaN(start.getTime()))
    throw badRequest("Invalid value specified for property 'scheduleInfo.startDateTime'.");
  const exp = (info.expiration ?? { type: 'noExpiration' }) as Record<string, unknown>;
  const type = EXPIRATION_TYPES[asText(exp.type).toLowerCase() as keyof typeof EXPIRATION_TYPES];
  if (!type) throw badRequest("Invalid value specified for property 'scheduleInfo.expiration.type'.");

  const caller = req.caller;
  const createdBy =
    caller.kind === 'user' ? { user: { id: caller.objectId } } : { application: { id: caller.objectId } };
  let targetScheduleId: string;
  let status: string;
  let start_ = start;
  let expiration = {
    type,
    endDateTime: (exp.endDateTime as string | null | undefined) ?? null,
    duration: (exp.duration as string | null | undefined) ?? null,
  };

  if (action === 'adminAssign') {
    const s = state.createPimSchedule({
      groupId: group.id,
      principalId,
      accessId: accessId,
      start,
      expiration,
      justification: (justification as string | undefined) ?? null,
      createdBy: caller.objectId,
    });
    targetScheduleId = s.id;
    status = 'Provisioned';
    start_ = new Date(s.startDateTime);
    expiration = { type: s.expirationType, endDateTime: s.endDateTime, duration: s.duration };
  } else if (action === 'adminRemove') {
    targetScheduleId = state.endPimAccess(group.id, principalId, accessId);
    // [U] Microsoft's samples show 'Revoked' for an adminRemove request.
    status = 'Revoked';
  } else {
    throw badRequest(`The action '${String(action)}' is not supported by the dev tenant (adminAssign, adminRemove).`);
  }
  const answer: Graph.PrivilegedAccessGroupAssignmentScheduleRequest & { '@odata.context': string } = {
    '@odata.context': metadata(deps, 'identityGovernance/privilegedAccess/group/assignmentScheduleRequests/$entity'),
    id: randomUUID(),
    status,
    completedDateTime: now.toISOString(),
    createdDateTime: now.toISOString(),
    approvalId: null,
    customData: null,
    createdBy,
    action,
    isValidationOnly: false,
    justification: justification ?? null,
    scheduleInfo: { startDateTime: start_.toISOString(), recurrence: null, expiration },
    ticketInfo: { ticketNumber: null, ticketSystem: null },
    accessId,
    principalId,
    groupId: group.id,
    targetScheduleId,
  };
  return json(answer, 201);
}

export function pimRoutes(deps: RouteDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
      handler: (req) => createRequest(deps, req),
    },
    {
      method: 'GET',
      pattern: '/v1.0/identityGovernance/privilegedAccess/group/assignmentSchedules',
      handler: (req) => {
        allowOptions(req, ['$filter']);
        const filterText = queryOption(req.query, '$filter');
        const clauses = filterText === undefined ? undefined : equalityClauses(parseFilter(filterText));
        const allowed = new Set(['groupid', 'principalid', 'accessid']);
        // Graph requires the list to be narrowed to a group or a principal.
        if (
          !clauses ||
          (!clauses.has('groupid') && !clauses.has('principalid')) ||
          [...clauses.keys()].some((k) => !allowed.has(k))
        ) {
          throw unsupportedQuery("A $filter on groupId or principalId (eq, optionally 'and' accessId eq) is required.");
        }
        const s = deps.state.activeSchedules({
          groupId: clauses.get('groupid') as string | undefined,
          principalId: clauses.get('principalid') as string | undefined,
          accessId: clauses.get('accessid') as PimAccess | undefined,
        });
        return json({
          '@odata.context': metadata(deps, 'identityGovernance/privilegedAccess/group/assignmentSchedules'),
          value: s.map(scheduleEntity),
        });
      },
    },
  ];
}
