import { sql } from 'drizzle-orm';
import {
  OVERVIEW_ONLINE_LIMIT,
  OVERVIEW_REQUESTS_LIMIT,
  OVERVIEW_TODAY_LIMIT,
  PRESENCE_TTL_SECONDS,
  type BusinessOverview,
  type OverviewBooking,
  type PayoutItem,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { rowsOf } from '../../platform/db.js';
import { Forbidden } from '../../platform/errors.js';
import { visibleBusiness } from './business-access.js';

/**
 * The business home (docs/api/catalog.md, "Business overview"). Every figure is one SQL statement;
 * "today" and "this week" (Monday to Sunday) are days of the business's time zone, whose bounds the
 * database computes (`date_trunc` on the local time, turned back into instants, so a DST day is 23 or
 * 25 hours long).
 */

/** The web app's page where an owner creates and completes the payout account. */
export const PAYOUTS_SETUP_PATH = '/business/payouts';

/** Statuses that do not count as a booking of the week: it will not (or did not) happen. */
const NOT_HAPPENING = ['cancelled', 'declined', 'expired'];
const PAID = ['succeeded', 'partially_refunded', 'refunded'];

type BookingRow = {
  id: string;
  number: string;
  status: OverviewBooking['status'];
  starts_at: Date | string;
  ends_at: Date | string;
  service_name: string;
  worker_name: string | null;
  owner_name: string;
  pet_names: string[] | null;
  location_kind: 'owner_home' | 'business' | 'custom';
  address: { street?: string | null; city?: string | null } | null;
  total_minor: number;
  currency: string;
  created_at: Date | string;
  expires_at: Date | string | null;
  total: number | string;
};

const iso = (v: Date | string) => new Date(v).toISOString();

function placeLabel(r: Pick<BookingRow, 'location_kind' | 'address'>): string | null {
  if (r.location_kind === 'business') return 'At the business';
  const parts = [r.address?.street, r.address?.city].filter((s): s is string => !!s && s.trim() !== '');
  return parts.length ? parts.join(', ') : null;
}

function toBooking(r: BookingRow): OverviewBooking {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    serviceName: r.service_name,
    workerName: r.worker_name,
    ownerName: r.owner_name,
    petNames: r.pet_names ?? [],
    placeLabel: placeLabel(r),
    totalMinor: Number(r.total_minor),
    currency: r.currency,
  };
}

const PAYOUT_TEXT: Record<PayoutItem, { label: string; hint: string }> = {
  account_created: { label: 'Create your payout account', hint: 'Open the payouts page and start the set-up with our payment provider.' },
  details_submitted: { label: 'Finish the details Stripe asks for', hint: 'Your identity, your business and the bank account to pay into.' },
  charges_enabled: { label: 'Card payments enabled by Stripe', hint: 'Stripe turns this on once it has checked your details.' },
  payouts_enabled: { label: 'Payouts enabled by Stripe', hint: 'Stripe turns this on once your bank account is verified.' },
};

export function payoutChecklist(account: { chargesEnabled: boolean; payoutsEnabled: boolean; detailsSubmitted: boolean } | null): BusinessOverview['payouts'] {
  const done: Record<PayoutItem, boolean> = {
    account_created: account !== null,
    details_submitted: account?.detailsSubmitted ?? false,
    charges_enabled: account?.chargesEnabled ?? false,
    payouts_enabled: account?.payoutsEnabled ?? false,
  };
  const items = (Object.keys(PAYOUT_TEXT) as PayoutItem[]).map((item) => ({ item, ...PAYOUT_TEXT[item], done: done[item] }));
  return { ready: items.every((i) => i.done), items, setupPath: PAYOUTS_SETUP_PATH };
}

export function createOverviewService(p: Pick<Platform, 'db' | 'clock'>) {
  return async function overview(actor: Actor, businessId: string): Promise<BusinessOverview> {
    const { business, access } = await visibleBusiness(p.db, businessId, actor);
    if (access === 'public') throw new Forbidden('Only the owner of this business can see its overview.');
    const now = p.clock.now().toISOString();
    const zone = business.timeZone;

    // The local day and week, as instants: [dayStart, dayEnd) and [weekStart, weekEnd).
    const local = sql`(${now}::timestamptz at time zone ${zone})`;
    const [bounds] = rowsOf<{ day_start: string; day_end: string; week_start: string; week_end: string; date: string; monday: string; sunday: string }>(
      await p.db.execute(sql`
        select (date_trunc('day', l) at time zone ${zone})::text as day_start,
               ((date_trunc('day', l) + interval '1 day') at time zone ${zone})::text as day_end,
               (date_trunc('week', l) at time zone ${zone})::text as week_start,
               ((date_trunc('week', l) + interval '7 days') at time zone ${zone})::text as week_end,
               to_char(l, 'YYYY-MM-DD') as date,
               to_char(date_trunc('week', l), 'YYYY-MM-DD') as monday,
               to_char(date_trunc('week', l) + interval '6 days', 'YYYY-MM-DD') as sunday
        from (select ${local} as l) x`),
    );
    const b = bounds!;

    const columns = sql`
      b.id, b.number, b.status, b.starts_at, b.ends_at, b.location_kind, b.address, b.total_minor, b.currency,
      b.created_at, b.expires_at, s.name as service_name,
      case when wu.id is null then null else wu.first_name || ' ' || wu.last_name end as worker_name,
      ou.first_name || ' ' || ou.last_name as owner_name,
      (select array_agg(pt.name order by pt.name) from booking_pets bp join pets pt on pt.id = bp.pet_id where bp.booking_id = b.id) as pet_names,
      count(*) over () as total`;
    const joins = sql`
      from bookings b
      join services s on s.id = b.service_id
      join users ou on ou.id = b.owner_id
      left join workers w on w.id = b.worker_id
      left join users wu on wu.id = w.user_id`;

    // Today: bookings that overlap the local day (a boarding stay that runs through it too), any status.
    const today = rowsOf<BookingRow>(
      await p.db.execute(sql`select ${columns} ${joins}
        where b.business_id = ${businessId}
          and b.starts_at < ${b.day_end}::timestamptz and b.ends_at > ${b.day_start}::timestamptz
        order by b.starts_at, b.number
        limit ${OVERVIEW_TODAY_LIMIT}`),
    );

    const requests = rowsOf<BookingRow>(
      await p.db.execute(sql`select ${columns} ${joins}
        where b.business_id = ${businessId} and b.status = 'pending'
        order by b.created_at, b.number
        limit ${OVERVIEW_REQUESTS_LIMIT}`),
    );

    const [week] = rowsOf<{ bookings: number | string; revenue: number | string | null; currency: string | null; fallback: string | null }>(
      await p.db.execute(sql`
        select
          (select count(*) from bookings
            where business_id = ${businessId}
              and starts_at >= ${b.week_start}::timestamptz and starts_at < ${b.week_end}::timestamptz
              and status <> all(${sql.param(NOT_HAPPENING)}::text[])) as bookings,
          pay.revenue, pay.currency,
          (select currency from services where business_id = ${businessId} order by created_at limit 1) as fallback
        from (select 1) one
        left join lateral (
          select currency, sum(amount_minor - refunded_minor) as revenue
          from payments
          where business_id = ${businessId} and status = any(${sql.param(PAID)}::text[])
            and paid_at >= ${b.week_start}::timestamptz and paid_at < ${b.week_end}::timestamptz
          group by currency order by count(*) desc, currency limit 1
        ) pay on true`),
    );

    const online = rowsOf<{ worker_id: string; name: string; online_at: Date | string }>(
      await p.db.execute(sql`
        select wp.worker_id, u.first_name || ' ' || u.last_name as name, wp.online_at
        from worker_presence wp
        join workers w on w.id = wp.worker_id and w.status = 'active' and w.business_id = ${businessId}
        join users u on u.id = w.user_id
        where wp.business_id = ${businessId} and wp.online_at is not null
          and wp.seen_at >= ${now}::timestamptz - make_interval(secs => ${PRESENCE_TTL_SECONDS})
        order by u.first_name, u.last_name, wp.worker_id
        limit ${OVERVIEW_ONLINE_LIMIT}`),
    );

    const [account] = rowsOf<{ charges_enabled: boolean; payouts_enabled: boolean; details_submitted: boolean }>(
      await p.db.execute(sql`select charges_enabled, payouts_enabled, details_submitted from payout_accounts where business_id = ${businessId}`),
    );

    return {
      businessId,
      timeZone: zone,
      date: b.date,
      weekStart: b.monday,
      weekEnd: b.sunday,
      today: today.map(toBooking),
      todayTruncated: Number(today[0]?.total ?? 0) > today.length,
      requests: requests.map((r) => ({ ...toBooking(r), createdAt: iso(r.created_at), expiresAt: r.expires_at ? iso(r.expires_at) : null })),
      requestsTotal: Number(requests[0]?.total ?? 0),
      week: { bookings: Number(week?.bookings ?? 0), revenueMinor: Number(week?.revenue ?? 0), currency: week?.currency ?? week?.fallback ?? 'EUR' },
      workersOnline: online.map((w) => ({ workerId: w.worker_id, name: w.name, onlineAt: iso(w.online_at) })),
      payouts: payoutChecklist(
        account ? { chargesEnabled: account.charges_enabled, payoutsEnabled: account.payouts_enabled, detailsSubmitted: account.details_submitted } : null,
      ),
    };
  };
}
