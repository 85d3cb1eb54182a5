import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { mockFetch, ok } from '../test/fetchMock';
import { BIZ } from '../test/bookingFixtures';
import { useCalendarsStore } from './calendars';
import { useEarningsStore } from './earnings';

beforeEach(() => setActivePinia(createPinia()));

const earnings = { currency: 'EUR', grossMinor: 3600, platformFeesMinor: 540, refundsMinor: 900, tipsMinor: 0, netMinor: 2160, payoutCount: 0, payouts: [] };

describe('earnings store', () => {
  it('loads earnings of a period and the payouts account', async () => {
    const net = mockFetch({
      [`GET /v1/businesses/${BIZ}/earnings?from=2025-06-01&to=2025-06-30`]: ok(earnings),
      [`GET /v1/businesses/${BIZ}/payouts`]: ok(null),
    });
    const store = useEarningsStore();

    await store.load(BIZ, '2025-06-01', '2025-06-30');

    expect(store.earnings?.netMinor).toBe(2160);
    expect(store.account).toBeNull();
    expect(store.accountLoaded).toBe(true);
    expect(net.calls).toHaveLength(2);
  });

  it('asks for the onboarding link of the payouts account', async () => {
    const net = mockFetch({
      [`POST /v1/businesses/${BIZ}/payouts/onboarding`]: ok({ url: 'http://localhost/payouts/simulated', accountId: 'acct_1', provider: 'simulated' }),
    });
    expect(await useEarningsStore().onboardingUrl(BIZ)).toBe('http://localhost/payouts/simulated');
    expect(net.calls[0]?.method).toBe('POST');
  });
});

describe('calendar feeds store', () => {
  it('lists the feeds and swaps one for a new URL', async () => {
    const feeds = [
      { kind: 'owner', subjectId: 'u1', url: 'http://x/v1/calendars/old.ics' },
      { kind: 'business', subjectId: BIZ, url: 'http://x/v1/calendars/biz.ics' },
    ];
    const net = mockFetch({
      'GET /v1/calendars': ok(feeds),
      'POST /v1/calendars/regenerate': ok({ kind: 'owner', subjectId: 'u1', url: 'http://x/v1/calendars/new.ics' }),
    });
    const store = useCalendarsStore();
    await store.load();

    await store.regenerate({ kind: 'owner', subjectId: 'u1' });

    expect(net.callsTo('POST /v1/calendars/regenerate')[0]?.body).toEqual({ kind: 'owner', subjectId: 'u1' });
    expect(store.feeds.map((f) => f.url)).toEqual(['http://x/v1/calendars/new.ics', 'http://x/v1/calendars/biz.ics']);
  });
});
