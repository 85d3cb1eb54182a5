/** The signed-in person's secret calendar feed URLs (owner, worker, each business), and replacing one. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CalendarFeed } from '@walkydoggy/shared';
import { calendarsApi } from '../api/bookings';

export const useCalendarsStore = defineStore('calendars', () => {
  const feeds = ref<CalendarFeed[]>([]);
  const loaded = ref(false);

  async function load(): Promise<CalendarFeed[]> {
    feeds.value = (await calendarsApi.list()).data ?? [];
    loaded.value = true;
    return feeds.value;
  }

  /** A new secret URL; the old one stops working at once. */
  async function regenerate(feed: Pick<CalendarFeed, 'kind' | 'subjectId'>): Promise<CalendarFeed> {
    const { data } = await calendarsApi.regenerate(feed.kind, feed.subjectId);
    const fresh: CalendarFeed = { kind: feed.kind, subjectId: feed.subjectId, url: data.url };
    feeds.value = feeds.value.map((f) => (f.kind === feed.kind && f.subjectId === feed.subjectId ? fresh : f));
    return fresh;
  }

  return { feeds, loaded, load, regenerate };
});
