/**
 * A person's automatic replies ("out of office"), read as Graph gives them
 * (GET /users/{id}/mailboxSettings/automaticRepliesSetting, docs user-get-mailboxsettings), and
 * whether they are going out at a given moment: alwaysEnabled, or scheduled with the moment inside
 * the window. Pure, so the time arithmetic is table-tested.
 *
 * Graph writes a schedule as a dateTimeTimeZone: a local time without an offset
 * ("2016-03-14T07:00:00.0000000") and a zone name. Graph's samples use "UTC" [U whether a mailbox
 * can answer with the user's own zone]; an IANA name is read with Intl, a Windows zone name
 * ("Pacific Standard Time") is not, and the answer then says it cannot tell (`on` undefined).
 * The docs show status both as "alwaysEnabled" and "AlwaysEnabled", so it is compared without case.
 */
import type { Graph } from './graphTypes';
import { seg } from './graphQueries';
import type { AutomaticReplies } from './types';

export function automaticRepliesPath(userId: string): string {
  return `/users/${seg(userId)}/mailboxSettings/automaticRepliesSetting`;
}

const UTC_NAMES = new Set(['utc', 'etc/utc', 'coordinated universal time', 'gmt', 'etc/gmt']);

/** The offset (ms) of `timeZone` at instant `t`, or undefined for a zone Intl does not know. */
function offsetAt(t: number, timeZone: string): number | undefined {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(t));
  } catch {
    return undefined;
  }
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(t / 1000) * 1000;
}

/** A dateTimeTimeZone as an instant (ms), or undefined when its zone cannot be read. */
export function instantOf(value: Graph.DateTimeTimeZone | null | undefined): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(value?.dateTime ?? '');
  if (!m) return undefined;
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0), ms);
  const zone = (value?.timeZone ?? '').trim();
  if (UTC_NAMES.has(zone.toLowerCase())) return wall;
  // The offset at the wall time read as UTC, then again at the instant that gives: right on both
  // sides of a daylight-saving change except inside the skipped or repeated hour.
  const first = offsetAt(wall, zone);
  if (first === undefined) return undefined;
  const second = offsetAt(wall - first, zone);
  return wall - (second ?? first);
}

function status(value: unknown): Graph.AutomaticRepliesStatus {
  const s = typeof value === 'string' ? value.toLowerCase() : '';
  if (s === 'alwaysenabled') return 'alwaysEnabled';
  if (s === 'scheduled') return 'scheduled';
  return 'disabled';
}

export function automaticRepliesFrom(setting: Graph.AutomaticRepliesSetting, now: number): AutomaticReplies {
  const st = status(setting.status);
  const out: AutomaticReplies = { status: st, on: st === 'alwaysEnabled' };
  if (setting.internalReplyMessage) out.internalReplyMessage = setting.internalReplyMessage;
  if (st !== 'scheduled') return out;
  const start = instantOf(setting.scheduledStartDateTime);
  const end = instantOf(setting.scheduledEndDateTime);
  if (start === undefined || end === undefined) {
    out.on = undefined;
    return out;
  }
  out.start = new Date(start).toISOString();
  out.end = new Date(end).toISOString();
  out.on = start <= now && now < end;
  return out;
}
