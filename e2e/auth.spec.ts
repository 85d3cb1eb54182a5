import type { Page } from 'playwright-core';
import { assert, watchConsole, type E2ETest } from './support/harness.js';
import { waitForMailLink } from './support/outbox.js';

const firstName = 'Ada';
const email = `ada.${Date.now()}@example.com`;
const firstPassword = 'first walk in the park';
const newPassword = 'second lap around the lake';

async function signIn(page: Page, address: string, password: string) {
  await page.getByLabel('E-mail', { exact: true }).fill(address);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export const tests: E2ETest[] = [
  {
    name: 'a pet owner signs up, confirms the e-mail, signs in, and resets a forgotten password',
    async run({ newPage, screenshot, dataDir, expectFailure }) {
      const page = await newPage();
      // No request known to fail: the signed-out pages below must not try to refresh a session they do not have.
      const consoleErrors = watchConsole(page);

      // Sign up through the form.
      await page.goto('/');
      await page.getByRole('link', { name: 'Sign up' }).first().click();
      await page.getByRole('heading', { name: 'Create your account' }).waitFor();
      await page.getByLabel('Pet owner').check();
      await page.getByLabel('First name').fill(firstName);
      await page.getByLabel('Last name').fill('Lovelace');
      await page.getByLabel('E-mail', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill(firstPassword);
      await screenshot(page, '01-signup-filled');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();
      await screenshot(page, '02-signup-check-email');

      // Open the confirmation link from the mail.
      const verifyLink = await waitForMailLink(dataDir, email, '/verify-email');
      await page.goto(verifyLink);
      await page.getByText('E-mail confirmed', { exact: true }).waitFor();
      await screenshot(page, '03-email-confirmed');
      consoleErrors.assertNone('on the signed-out pages (landing, sign-up, e-mail confirmed)');

      // Sign in and land on the dashboard.
      await page.getByRole('link', { name: 'Sign in', exact: true }).last().click();
      await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
      await signIn(page, email, firstPassword);
      await page.waitForURL('**/dashboard');
      await page.getByRole('heading', { name: new RegExp(`, ${firstName}!$`) }).waitFor();
      await page.getByText('E-mail verified').waitFor();
      assert(!(await page.getByText('Verify your e-mail to book or publish').isVisible()), 'the unverified banner is still shown');
      await screenshot(page, '04-dashboard');

      // The API agrees: the refresh cookie is httpOnly (beside it only the session hint, which holds
      // nothing secret), and the account it belongs to is verified.
      const cookies = await page.context().cookies();
      const secretCookies = cookies.filter((c) => c.name !== 'wd_session');
      assert(secretCookies.length > 0 && secretCookies.every((c) => c.httpOnly), `expected only httpOnly cookies, got ${JSON.stringify(cookies)}`);
      assert(cookies.find((c) => c.name === 'wd_session')?.value === '1', `no session hint cookie: ${JSON.stringify(cookies)}`);
      const refreshed = await page.request.post('/v1/auth/refresh-token', { data: {} });
      assert(refreshed.ok(), `refresh-token answered ${refreshed.status()}`);
      const { data: session } = (await refreshed.json()) as { data: { accessToken: string } };
      const me = await page.request.get('/v1/users/me', { headers: { authorization: `Bearer ${session.accessToken}` } });
      const { data: user } = (await me.json()) as { data: { email: string; firstName: string; emailVerified: boolean } };
      assert(me.ok() && user.email === email && user.firstName === firstName, `GET /v1/users/me answered ${me.status()}`);
      assert(user.emailVerified === true, 'GET /v1/users/me does not report emailVerified: true');

      // Sign out through the account menu.
      await page.getByRole('button', { name: /Account menu/ }).click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/signin');
      await page.goto('/dashboard');
      await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('redirect') === '/dashboard');

      // Forgot password.
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      // The sign-in page has an E-mail field too: wait until the forgot-password page replaced it.
      await page.waitForURL('**/forgot-password');
      await page.getByRole('button', { name: 'Send reset link' }).waitFor();
      await page.getByLabel('E-mail', { exact: true }).fill(email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByText('If an account exists for').waitFor();
      await screenshot(page, '05-forgot-password-sent');

      const resetLink = await waitForMailLink(dataDir, email, '/reset-password');
      await page.goto(resetLink);
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Repeat the new password').fill(newPassword);
      await page.getByRole('button', { name: 'Save new password' }).click();
      await page.getByText('Your password is changed').waitFor();
      await screenshot(page, '06-password-reset');
      // Signed out again (the hint went with the refresh cookie): the page loads since sign-out sent nothing that failed.
      assert(!(await page.context().cookies()).some((c) => c.name === 'wd_session'), 'the session hint outlived sign-out');
      consoleErrors.assertNone('on the signed-out pages after sign-out (dashboard redirect, sign-in, forgot and reset password)');

      // The old password no longer works; the new one does.
      expectFailure(page, /\/v1\/auth\/login$/, 401);
      await page.getByRole('link', { name: 'Sign in', exact: true }).last().click();
      await signIn(page, email, firstPassword);
      const error = page.getByRole('alert');
      await error.waitFor();
      assert((await error.innerText()).trim().length > 0, 'the sign-in error is empty');
      assert(page.url().includes('/signin'), 'a wrong password left the sign-in page');
      await screenshot(page, '07-old-password-rejected');

      await page.getByLabel('Password', { exact: true }).fill(newPassword);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL('**/dashboard');
      await page.getByRole('heading', { name: new RegExp(`, ${firstName}!$`) }).waitFor();
    },
  },
  {
    name: 'a wrong password shows an error, and signed-out visitors are sent to sign-in',
    async run({ newPage, screenshot, expectFailure }) {
      const page = await newPage({ width: 375, height: 740 });
      const consoleErrors = watchConsole(page);

      await page.goto('/profile');
      await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('redirect') === '/profile');
      await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
      for (const path of ['/', '/search', '/signup']) {
        await page.goto(path);
        await page.waitForLoadState('networkidle');
      }
      consoleErrors.assertNone('on signed-out pages (/profile → sign-in, landing, search, sign-up)');
      await page.goto('/profile');
      await page.waitForURL((url) => url.pathname === '/signin');
      await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();

      expectFailure(page, /\/v1\/auth\/login$/, 401);
      await signIn(page, 'nobody@example.com', 'not the right password');
      const error = page.getByRole('alert');
      await error.waitFor();
      const text = await error.innerText();
      assert(/password|e-mail|credentials/i.test(text), `unexpected sign-in error: ${text}`);
      assert((await page.getByLabel('E-mail', { exact: true }).inputValue()) === 'nobody@example.com', 'the e-mail field was cleared');
      await screenshot(page, '08-wrong-password-phone');
    },
  },
];
