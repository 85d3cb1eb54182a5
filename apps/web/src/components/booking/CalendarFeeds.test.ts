import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { mockFetch, ok } from '../../test/fetchMock';
import { settle } from '../../test/mountPage';
import CalendarFeeds from './CalendarFeeds.vue';

let wrapper: VueWrapper | undefined;
beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  wrapper?.unmount();
  vi.unstubAllGlobals();
});

const feeds = [
  { kind: 'owner', subjectId: 'u1', url: 'http://localhost/v1/calendars/owner-old.ics' },
  { kind: 'business', subjectId: 'b1', url: 'http://localhost/v1/calendars/biz.ics' },
];

describe('calendar feed links', () => {
  it('shows only the feeds of the page, copies one, and replaces it with a new link', async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const net = mockFetch({
      'GET /v1/calendars': ok(feeds),
      'POST /v1/calendars/regenerate': ok({ kind: 'owner', subjectId: 'u1', url: 'http://localhost/v1/calendars/owner-new.ics' }),
    });
    wrapper = mount(CalendarFeeds, { props: { kinds: ['owner'] }, attachTo: document.body });
    await settle();

    const inputs = wrapper.findAll('input');
    expect(inputs.map((i) => (i.element as HTMLInputElement).value)).toEqual(['http://localhost/v1/calendars/owner-old.ics']);
    expect(wrapper.find('label').text()).toBe('My bookings');

    await wrapper
      .findAll('button')
      .find((b) => b.text().startsWith('Copy link'))!
      .trigger('click');
    await settle();
    expect(writeText).toHaveBeenCalledWith('http://localhost/v1/calendars/owner-old.ics');
    expect(wrapper.text()).toContain('Link for My bookings copied.');

    await wrapper
      .findAll('button')
      .find((b) => b.text().startsWith('Get a new link'))!
      .trigger('click');
    await settle();
    expect(net.callsTo('POST /v1/calendars/regenerate')[0]?.body).toEqual({ kind: 'owner', subjectId: 'u1' });
    expect((wrapper.find('input').element as HTMLInputElement).value).toBe('http://localhost/v1/calendars/owner-new.ics');
    expect(wrapper.text()).toContain('The old link no longer works');
  });
});
