import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import { mountPage, settle } from '../test/mountPage';
import { aNotification, page } from '../components/notifications/testFixtures';
import NotificationsPage from './NotificationsPage.vue';

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

const FIRST = 'GET /v1/notifications?limit=20';
const titles = () => wrapper!.findAll('.notification__name').map((t) => t.text());
const unread = () => wrapper!.findAll('.notification--unread .notification__name').map((t) => t.text());
const button = (text: string) => wrapper!.findAll('button').find((b) => b.text() === text || b.text().startsWith(`${text}:`));

describe('notifications page', () => {
  it('lists a page at a time with "Load more" until there is no next cursor', async () => {
    const net = mockFetch({
      [FIRST]: page([aNotification('n1', { title: 'First' }), aNotification('n2', { title: 'Second', read: true })], 1, 'cur-2'),
      'GET /v1/notifications?limit=20&cursor=cur-2': page([aNotification('n3', { title: 'Third', read: true })], 1, null),
    });
    wrapper = (await mountPage(NotificationsPage, '/notifications')).wrapper;
    await settle();

    expect(titles()).toEqual(['First', 'Second']);
    expect(unread()).toEqual(['First']);
    expect(wrapper.text()).toContain('1 unread');
    expect(wrapper.find('a[href="/bookings/n1"]').text()).toBe('First');

    await button('Load more')!.trigger('click');
    await settle();

    expect(net.callsTo('GET /v1/notifications?limit=20&cursor=cur-2')).toHaveLength(1);
    expect(titles()).toEqual(['First', 'Second', 'Third']);
    expect(button('Load more')).toBeUndefined();
  });

  it('filters to unread, marks read, deletes, and shows the empty state', async () => {
    const net = mockFetch({
      [FIRST]: page([aNotification('n1', { title: 'First' }), aNotification('n2', { title: 'Second', read: true })], 1),
      'GET /v1/notifications?limit=20&unread=true': page([aNotification('n1', { title: 'First' })], 1),
      'PUT /v1/notifications/n1/read': ok(aNotification('n1', { title: 'First', read: true, readAt: '2025-06-02T08:00:00.000Z' })),
      'DELETE /v1/notifications/n1': ok({ deleted: true }),
    });
    wrapper = (await mountPage(NotificationsPage, '/notifications')).wrapper;
    await settle();

    await wrapper.find('input[type="checkbox"]').setValue(true);
    await settle();
    expect(net.callsTo('GET /v1/notifications?limit=20&unread=true')).toHaveLength(1);
    expect(titles()).toEqual(['First']);
    expect(unread()).toEqual(['First']);

    await button('Mark as read')!.trigger('click');
    await settle();
    expect(net.callsTo('PUT /v1/notifications/n1/read')).toHaveLength(1);
    expect(unread()).toEqual([]);
    expect(wrapper.text()).toContain('0 unread');

    await button('Delete')!.trigger('click');
    await settle();
    expect(net.callsTo('DELETE /v1/notifications/n1')).toHaveLength(1);
    expect(wrapper.text()).toContain('You are all caught up');
  });

  it('marks everything read', async () => {
    const net = mockFetch({
      [FIRST]: page([aNotification('n1'), aNotification('n2')], 2),
      'PUT /v1/notifications/read-all': ok({ updated: 2 }),
    });
    wrapper = (await mountPage(NotificationsPage, '/notifications')).wrapper;
    await settle();

    await button('Mark all as read')!.trigger('click');
    await settle();

    expect(net.callsTo('PUT /v1/notifications/read-all')).toHaveLength(1);
    expect(wrapper.findAll('.notification--unread')).toHaveLength(0);
    expect(button('Mark all as read')!.attributes('disabled')).toBeDefined();
  });

  it('says when there is nothing yet', async () => {
    mockFetch({ [FIRST]: page([], 0) });
    wrapper = (await mountPage(NotificationsPage, '/notifications')).wrapper;
    await settle();
    expect(wrapper.text()).toContain('No notifications yet');
  });
});
