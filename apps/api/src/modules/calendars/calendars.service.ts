import type { CalendarFeed, CalendarFeedKind } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { NotFound } from '../../platform/errors.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import { feedEvent } from './calendars.feed.js';
import * as q from './calendars.queries.js';
import { icsCalendar } from './ics.js';

type Deps = Pick<Platform, 'db' | 'clock' | 'secretBox'> & { config: Pick<Platform['config'], 'publicUrl'> };

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back a feed reaches, and how long a cancellation stays in it as STATUS:CANCELLED. */
export const FEED_HISTORY_DAYS = 30;
/** Events per feed at most: the oldest first, so a very busy business loses its far future, not today. */
export const FEED_MAX_EVENTS = 5000;

/** 32 random bytes in base64url: the URL is the only secret, so it must not be guessable. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createCalendarsService(p: Deps) {
  const urlOf = (token: string) => `${p.config.publicUrl}/v1/calendars/${token}.ics`;
  const toView = (feed: q.FeedRow): CalendarFeed => ({ kind: feed.subjectKind, subjectId: feed.subjectId, url: urlOf(p.secretBox.open(feed.tokenSealed)) });

  function sealedToken() {
    const { token, hash } = newToken(32);
    return { tokenHash: hash, tokenSealed: p.secretBox.seal(token) };
  }

  async function ownSubject(exec: Executor, actor: Actor, kind: CalendarFeedKind, id: string): Promise<q.Subject> {
    const subject = (await q.subjectsOf(exec, actor)).find((s) => s.kind === kind && s.id === id);
    // Someone else's subject and one that does not exist look the same.
    if (!subject) throw new NotFound('Calendar');
    return subject;
  }

  /** The caller's feeds, one per subject, made on first call. */
  async function list(actor: Actor): Promise<CalendarFeed[]> {
    const subjects = await q.subjectsOf(p.db, actor);
    const key = (s: { kind: string; id: string }) => `${s.kind}:${s.id}`;
    let feeds = await q.activeFeeds(p.db, subjects);
    const missing = subjects.filter((s) => !feeds.some((f) => key({ kind: f.subjectKind, id: f.subjectId }) === key(s)));
    if (missing.length) {
      for (const s of missing) await q.insertFeedIfNone(p.db, { subjectKind: s.kind, subjectId: s.id, createdBy: actor.id, ...sealedToken() });
      feeds = await q.activeFeeds(p.db, subjects);
    }
    const byKey = new Map(feeds.map((f) => [key({ kind: f.subjectKind, id: f.subjectId }), f]));
    return subjects.flatMap((s) => {
      const feed = byKey.get(key(s));
      return feed ? [toView(feed)] : [];
    });
  }

  /** A new URL for the subject; the old one stops working at once. */
  async function regenerate(actor: Actor, body: { kind: CalendarFeedKind; subjectId: string }): Promise<CalendarFeed> {
    return p.db.transaction(async (tx) => {
      const subject = await ownSubject(tx, actor, body.kind, body.subjectId);
      await q.revokeFeed(tx, subject, p.clock.now());
      // A regeneration running at the same time waits on the revoked row, then finds the other's new
      // feed in place: it does nothing and both callers get that one URL (the old one is dead either way).
      await q.insertFeedIfNone(tx, { subjectKind: subject.kind, subjectId: subject.id, createdBy: actor.id, ...sealedToken() });
      const [feed] = await q.activeFeeds(tx, [subject]);
      return toView(feed!);
    });
  }

  /**
   * The iCalendar text of a feed token, or 404. The feed also dies when its maker no longer holds the
   * subject (the worker left the business, the business was deleted, the account was closed).
   */
  async function render(file: string): Promise<string> {
    const token = file.endsWith('.ics') ? file.slice(0, -4) : file;
    if (!TOKEN_PATTERN.test(token)) throw new NotFound('Calendar');
    const found = await q.feedByTokenHash(p.db, hashToken(token));
    if (!found || found.creator.status !== 'active') throw new NotFound('Calendar');
    const { feed, creator } = found;
    const subject = (await q.subjectsOf(p.db, creator)).find((s) => s.kind === feed.subjectKind && s.id === feed.subjectId);
    if (!subject) throw new NotFound('Calendar');
    const now = p.clock.now();
    const rows = await q.feedBookings(p.db, subject, new Date(now.getTime() - FEED_HISTORY_DAYS * DAY_MS), FEED_MAX_EVENTS);
    return icsCalendar(
      subject.name,
      rows.map((b) => ({ ...feedEvent(b, subject, `${p.config.publicUrl}/bookings/${b.id}`), dtstamp: now })),
    );
  }

  return { list, regenerate, render };
}
export type CalendarsService = ReturnType<typeof createCalendarsService>;
