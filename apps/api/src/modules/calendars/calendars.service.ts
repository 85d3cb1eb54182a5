import type { CalendarFeed, CalendarFeedKind } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { NotFound } from '../../platform/errors.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import { createFeedCache } from './calendars.cache.js';
import { feedEvent } from './calendars.feed.js';
import * as q from './calendars.queries.js';
import { icsFeed } from './ics.js';

type Deps = Pick<Platform, 'db' | 'clock' | 'secretBox'> & {
  config: Pick<Platform['config'], 'publicUrl'>;
  /** Events per feed (FEED_MAX_EVENTS; smaller in tests). */
  maxEvents?: number;
};

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back a feed reaches, and how long a cancellation stays in it as STATUS:CANCELLED. */
export const FEED_HISTORY_DAYS = 30;
/** How far ahead a feed reaches: bookings starting later are not in it yet. */
export const FEED_FUTURE_DAYS = 180;
/** Events per feed at most: beyond it, those nearest to now are kept (the far future and the far past go). */
export const FEED_MAX_EVENTS = 2000;
/** A rendered feed is served again for at most this long, and only while its bookings are unchanged. */
export const FEED_CACHE_TTL_MS = 60_000;
/** Characters of rendered feeds an API instance keeps (a full feed is about 2.5 million). */
export const FEED_CACHE_MAX_CHARS = 25_000_000;

/** 32 random bytes in base64url: the URL is the only secret, so it must not be guessable. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createCalendarsService(p: Deps) {
  const rendered = createFeedCache({ ttlMs: FEED_CACHE_TTL_MS, maxChars: FEED_CACHE_MAX_CHARS });
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
    const window = { since: new Date(now.getTime() - FEED_HISTORY_DAYS * DAY_MS), until: new Date(now.getTime() + FEED_FUTURE_DAYS * DAY_MS), now };
    const version = await q.feedVersion(p.db, subject, window);
    const cached = rendered.get(feed.id, version, now.getTime());
    if (cached !== null) return cached;
    const rows = await q.feedBookings(p.db, subject, window, p.maxEvents ?? FEED_MAX_EVENTS);
    rows.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const ics = await icsFeed(
      subject.name,
      rows.map((b) => ({ ...feedEvent(b, subject, `${p.config.publicUrl}/bookings/${b.id}`), dtstamp: now })),
    );
    rendered.set(feed.id, version, now.getTime(), ics);
    return ics;
  }

  return { list, regenerate, render };
}
export type CalendarsService = ReturnType<typeof createCalendarsService>;
