import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { mockFetch, ok } from '../test/fetchMock';
import PlaceField from './PlaceField.vue';

const FULHAM = { label: 'Fulham, London, United Kingdom', name: 'Fulham', kind: 'district', lat: 51.48026, lng: -0.1993 };
const FULHAM_ROAD = { label: 'Fulham Road, London', name: 'Fulham Road', kind: 'street', lat: 51.4838, lng: -0.1866 };
const FULHAM_AU = { label: 'Fulham, Adelaide, Australia', name: 'Fulham', kind: 'district', lat: -34.92737, lng: 138.51368 };

beforeEach(() => {
  vi.useFakeTimers();
  localStorage.clear();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function typeInto(input: ReturnType<ReturnType<typeof mount>['find']>, value: string) {
  await input.setValue(value);
  await vi.advanceTimersByTimeAsync(250);
  await flushPromises();
}

describe('PlaceField', () => {
  it('suggests places after a pause in typing and is chosen with the arrow keys and Enter', async () => {
    const net = mockFetch({ 'GET /v1/geocode?q=Fulham&near=51.5%2C-0.12&limit=6': ok([FULHAM, FULHAM_ROAD, FULHAM_AU]) });
    const wrapper = mount(PlaceField, { props: { near: { lat: 51.5, lng: -0.12 }, modelValue: null }, attachTo: document.body });
    const input = wrapper.find('input[role="combobox"]');
    expect(input.attributes('aria-expanded')).toBe('false');

    await input.setValue('Fulham');
    await vi.advanceTimersByTimeAsync(200);
    expect(net.calls).toHaveLength(0); // still typing
    await vi.advanceTimersByTimeAsync(50);
    await flushPromises();
    expect(net.calls).toHaveLength(1);
    expect(input.attributes('aria-expanded')).toBe('true');
    const options = wrapper.findAll('[role="option"]');
    expect(options.map((o) => o.text())).toEqual([
      expect.stringContaining('Fulham, London, United Kingdom'),
      expect.stringContaining('Fulham Road'),
      expect.stringContaining('Adelaide'),
    ]);
    expect(input.attributes('aria-controls')).toBe(wrapper.find('[role="listbox"]').attributes('id'));

    await input.trigger('keydown', { key: 'ArrowDown' });
    expect(input.attributes('aria-activedescendant')).toBe(options[0]!.attributes('id'));
    await input.trigger('keydown', { key: 'ArrowDown' });
    await input.trigger('keydown', { key: 'ArrowDown' });
    expect(input.attributes('aria-activedescendant')).toBe(options[2]!.attributes('id'));
    await input.trigger('keydown', { key: 'ArrowDown' }); // wraps to the first
    expect(input.attributes('aria-activedescendant')).toBe(options[0]!.attributes('id'));
    await input.trigger('keydown', { key: 'ArrowUp' }); // and back to the last
    expect(wrapper.findAll('[role="option"]')[2]!.attributes('aria-selected')).toBe('true');
    await input.trigger('keydown', { key: 'ArrowUp' });

    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('update:modelValue')!.at(-1)).toEqual([{ label: FULHAM_ROAD.label, lat: FULHAM_ROAD.lat, lng: FULHAM_ROAD.lng }]);
    expect((input.element as HTMLInputElement).value).toBe('Fulham Road, London');
    expect(input.attributes('aria-expanded')).toBe('false');
    expect(input.attributes('aria-activedescendant')).toBeUndefined();
    // Remembered for the next visit.
    expect(JSON.parse(localStorage.getItem('wd:last-place')!)).toEqual({ label: FULHAM_ROAD.label, lat: FULHAM_ROAD.lat, lng: FULHAM_ROAD.lng });
    wrapper.unmount();
  });

  it('Escape closes the list without choosing; Enter with nothing active does not choose either', async () => {
    mockFetch({ 'GET /v1/geocode?q=Fulham&limit=6': ok([FULHAM, FULHAM_AU]) });
    const wrapper = mount(PlaceField, { props: { modelValue: null } });
    const input = wrapper.find('input');
    await typeInto(input, 'Fulham');
    expect(input.attributes('aria-expanded')).toBe('true');
    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('update:modelValue')).toBeUndefined();
    await input.trigger('keydown', { key: 'Escape' });
    expect(input.attributes('aria-expanded')).toBe('false');
    expect(wrapper.emitted('update:modelValue')).toBeUndefined();
    // Arrow down opens it again on the first option.
    await input.trigger('keydown', { key: 'ArrowDown' });
    expect(input.attributes('aria-expanded')).toBe('true');
    expect(wrapper.findAll('[role="option"]')[0]!.attributes('aria-selected')).toBe('true');
  });

  it('cancels the request for an older text when typing goes on', async () => {
    let release: (() => void) | null = null;
    const net = mockFetch({
      'GET /v1/geocode?q=Ful&limit=6': () => new Promise((resolve) => (release = () => resolve(ok([FULHAM_AU])))),
      'GET /v1/geocode?q=Fulham&limit=6': ok([FULHAM]),
    });
    const wrapper = mount(PlaceField, { props: { modelValue: null } });
    const input = wrapper.find('input');
    await typeInto(input, 'Ful');
    await typeInto(input, 'Fulham');
    const firstInit = net.fetchMock.mock.calls[0]![1] as RequestInit;
    expect(firstInit.signal!.aborted).toBe(true);
    release!();
    await flushPromises();
    expect(wrapper.findAll('[role="option"]').map((o) => o.text())).toEqual([expect.stringContaining('Fulham, London')]);
  });

  it('says so when nothing is found, and commit() picks the best match of what was typed', async () => {
    mockFetch({ 'GET /v1/geocode?q=Nowhereville&limit=6': ok([]), 'GET /v1/geocode?q=Fulham&limit=6': ok([FULHAM]) });
    const wrapper = mount(PlaceField, { props: { modelValue: null } });
    const input = wrapper.find('input');
    await typeInto(input, 'Nowhereville');
    expect(wrapper.find('[role="status"]').text()).toContain('No place found');
    expect(input.attributes('aria-expanded')).toBe('false');
    await input.setValue('Fulham');
    const chosen = await (wrapper.vm as unknown as { commit: () => Promise<unknown> }).commit();
    expect(chosen).toEqual({ label: FULHAM.label, lat: FULHAM.lat, lng: FULHAM.lng });
  });

  it('"Use my location" names the point by reverse geocoding', async () => {
    mockFetch({ 'GET /v1/geocode/reverse?lat=51.4803&lng=-0.1992': ok({ ...FULHAM, lat: 51.4803, lng: -0.1992 }) });
    vi.stubGlobal('navigator', {
      ...navigator,
      geolocation: { getCurrentPosition: (success: PositionCallback) => success({ coords: { latitude: 51.4803, longitude: -0.1992 } } as GeolocationPosition) },
    });
    const wrapper = mount(PlaceField, { props: { modelValue: null } });
    await wrapper.find('button').trigger('click');
    await flushPromises();
    expect(wrapper.emitted('update:modelValue')!.at(-1)).toEqual([{ label: FULHAM.label, lat: 51.4803, lng: -0.1992 }]);
  });
});
