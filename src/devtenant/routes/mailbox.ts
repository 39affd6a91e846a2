/**
 * A person's automatic replies, as GET /users/{id}/mailboxSettings/automaticRepliesSetting answers
 * (rules.ts): the fixture's setting, or replies off for a member who set none; a guest has no
 * mailbox in this tenant and gets Exchange's 404.
 */
import type { Route } from '../router';
import { MAILBOX_ERRORS } from '../rules';
import type { Graph } from '../../tenant/graphTypes';
import { allowOptions, json, metadata, type RouteDeps } from './shared';

export function mailboxRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      pattern: '/v1.0/users/:id/mailboxSettings/automaticRepliesSetting',
      handler: (req, p) => {
        allowOptions(req, []);
        const u = state.getUser(p.id);
        if (!u) throw MAILBOX_ERRORS.unknownUser(p.id);
        if (u.userType === 'Guest') throw MAILBOX_ERRORS.noMailbox();
        const set = u.mailboxSettings?.automaticRepliesSetting;
        // A mailbox that never set replies still answers with every field [U the default window].
        const day = `${u.createdDateTime.slice(0, 13)}:00:00.0000000`;
        const answer: Graph.AutomaticRepliesSetting = {
          status: set?.status ?? 'disabled',
          externalAudience: set?.externalAudience ?? 'all',
          scheduledStartDateTime: set?.scheduledStartDateTime ?? { dateTime: day, timeZone: 'UTC' },
          scheduledEndDateTime: set?.scheduledEndDateTime ?? { dateTime: day, timeZone: 'UTC' },
          internalReplyMessage: set?.internalReplyMessage ?? '',
          externalReplyMessage: set?.externalReplyMessage ?? '',
        };
        return json({
          '@odata.context': metadata(deps, `users('${u.id}')/mailboxSettings/automaticRepliesSetting`),
          ...answer,
        });
      },
    },
  ];
}
