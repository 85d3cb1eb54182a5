import type { Page } from 'playwright-core';
import { PHONE, assert, assertNoSidewaysScroll, type E2ETest } from './support/harness.js';

/** Types into the place field, waits for the suggestion, and picks it with the keyboard. */
async function pickPlace(page: Page, label: string, typed: string, option: RegExp) {
  const field = page.getByRole('combobox', { name: label });
  await field.fill(typed);
  await page.getByRole('option', { name: option }).first().waitFor();
  assert((await field.getAttribute('aria-expanded')) === 'true', 'the suggestion list is not announced as expanded');
  await field.press('ArrowDown');
  assert(Boolean(await field.getAttribute('aria-activedescendant')), 'no active option after ArrowDown');
  await field.press('Enter');
  assert((await field.getAttribute('aria-expanded')) === 'false', 'the suggestion list stayed open after Enter');
}

export const tests: E2ETest[] = [
  {
    name: 'a visitor finds care by place name from the landing page, on a desktop and on a phone',
    async run({ newPage, screenshot }) {
      for (const [size, tag] of [
        [{ width: 1280, height: 900 }, 'desktop'],
        [PHONE, 'phone'],
      ] as const) {
        const page = await newPage(size);
        await page.goto('/');
        await pickPlace(page, 'Where do you need care?', 'Fulh', /Fulham, London/);
        await page.getByRole('combobox', { name: 'Where do you need care?' }).fill('Fulh');
        await page
          .getByRole('option', { name: /Fulham, London/ })
          .first()
          .waitFor();
        await screenshot(page, `30-landing-place-suggestions-${tag}`);
        await assertNoSidewaysScroll(page, `the landing page (${tag})`);
        await page.getByRole('combobox', { name: 'Where do you need care?' }).press('ArrowDown');
        await page.getByRole('combobox', { name: 'Where do you need care?' }).press('Enter');
        await page.getByLabel('Service').selectOption('walking');
        await page.getByRole('button', { name: 'Find care' }).click();
        await page.waitForURL(/\/search\?place=Fulham/);
        await page.getByText(/businesses? near Fulham/).waitFor();
        await page.locator('.result').first().waitFor();
        assert((await page.getByRole('combobox', { name: 'Where' }).inputValue()).startsWith('Fulham'), 'the search page does not show the chosen place');
        await screenshot(page, `31-search-by-place-${tag}`);
        await assertNoSidewaysScroll(page, `the search page (${tag})`);

        // A date and a time window: only businesses with a free slot then (the API says which).
        const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
        await page.getByLabel('Date', { exact: true }).fill(date);
        await page.getByLabel('From', { exact: true }).fill('09:00');
        await page.getByLabel('To', { exact: true }).fill('12:00');
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        await page.getByText(/available .* between 09:00 and 12:00/).waitFor();
        await screenshot(page, `32-search-available-${tag}`);
        await assertNoSidewaysScroll(page, `the search page with a date (${tag})`);
      }
    },
  },
];
