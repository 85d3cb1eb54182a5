import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import TabList from './TabList.vue';
import { tabFromHash } from '../lib/tabs';

const TABS = [
  { id: 'one', label: 'One' },
  { id: 'two', label: 'Two' },
  { id: 'three', label: 'Three' },
] as const;

function mountTabs(start: 'one' | 'two' | 'three' = 'one') {
  const tab = ref<'one' | 'two' | 'three'>(start);
  const wrapper = mount(
    defineComponent(
      () => () => h(TabList, { tabs: TABS, label: 'Things', modelValue: tab.value, 'onUpdate:modelValue': (v: string) => (tab.value = v as typeof tab.value) }),
    ),
    { attachTo: document.body },
  );
  return { tab, wrapper };
}

describe('TabList', () => {
  it('selects on click, marks the selected tab and writes the hash', async () => {
    const { tab, wrapper } = mountTabs();
    await wrapper.findAll('[role="tab"]')[1]!.trigger('click');
    expect(tab.value).toBe('two');
    expect(location.hash).toBe('#two');
    const tabs = wrapper.findAll('[role="tab"]');
    expect(tabs.map((t) => t.attributes('aria-selected'))).toEqual(['false', 'true', 'false']);
    expect(tabs.map((t) => t.attributes('tabindex'))).toEqual(['-1', '0', '-1']);
    expect(wrapper.find('[role="tablist"]').attributes('aria-label')).toBe('Things');
    wrapper.unmount();
  });

  it('moves with the arrow keys, wrapping around, and focuses the new tab', async () => {
    const { tab, wrapper } = mountTabs('one');
    await wrapper.find('[role="tablist"]').trigger('keydown', { key: 'ArrowLeft' });
    expect(tab.value).toBe('three');
    expect(document.activeElement?.id).toBe('tab-three');
    await wrapper.find('[role="tablist"]').trigger('keydown', { key: 'ArrowRight' });
    expect(tab.value).toBe('one');
    await wrapper.find('[role="tablist"]').trigger('keydown', { key: 'Enter' });
    expect(tab.value).toBe('one');
    wrapper.unmount();
  });

  it('opens the tab named by the URL hash, else the fallback', () => {
    history.replaceState(null, '', '#three');
    expect(tabFromHash(TABS, 'one')).toBe('three');
    history.replaceState(null, '', '#nope');
    expect(tabFromHash(TABS, 'one')).toBe('one');
  });
});
