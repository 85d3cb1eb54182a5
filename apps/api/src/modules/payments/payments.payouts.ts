import { eq } from 'drizzle-orm';
import { payoutAccounts, users } from '@walkydoggy/shared/db';
import type { OnboardingResponse, PayoutAccount } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { Conflict, Forbidden, NotFound } from '../../platform/errors.js';
import type { ProviderAccount } from '../../platform/payments/provider.js';
import { ownedBusiness, visibleBusiness } from '../businesses/business-access.js';
import { findPayoutAccount } from './payments.queries.js';
import { viaProvider } from './payments.service.js';

/**
 * A business's payout account (Stripe Connect Express, or the simulation's stand-in): created once,
 * completed on the provider's onboarding form, and kept in sync by `account.updated` webhooks.
 */

const view = (row: { accountId: string; chargesEnabled: boolean; payoutsEnabled: boolean; detailsSubmitted: boolean }): PayoutAccount => ({
  accountId: row.accountId,
  chargesEnabled: row.chargesEnabled,
  payoutsEnabled: row.payoutsEnabled,
  detailsSubmitted: row.detailsSubmitted,
});

/** Stores the provider's flags of an account we know (an unknown account is someone else's). */
export async function saveAccountFlags(exec: Executor, account: ProviderAccount, now: Date): Promise<boolean> {
  const rows = await exec
    .update(payoutAccounts)
    .set({ chargesEnabled: account.chargesEnabled, payoutsEnabled: account.payoutsEnabled, detailsSubmitted: account.detailsSubmitted, updatedAt: now })
    .where(eq(payoutAccounts.accountId, account.id))
    .returning({ id: payoutAccounts.businessId });
  return rows.length > 0;
}

/** The web app's page that the provider sends the owner back to (it shows the account's state). */
export const payoutsPage = (publicUrl: string, businessId: string) => `${publicUrl}/business/payouts?businessId=${businessId}`;

export function createPayoutsService(p: Pick<Platform, 'db' | 'clock' | 'config' | 'payments'>) {
  /** Owners, and admins for reading: others see a 403 when the business is public, else a 404. */
  async function readable(actor: Actor, businessId: string) {
    const { business, access } = await visibleBusiness(p.db, businessId, actor);
    if (access === 'public') throw new Forbidden('Only the owner of this business can see its payouts.');
    return business;
  }

  async function onboarding(actor: Actor, businessId: string): Promise<OnboardingResponse> {
    const business = await ownedBusiness(p.db, businessId, actor);
    let account = await findPayoutAccount(p.db, businessId);
    // An account of another provider (the configuration changed) cannot take this provider's charges.
    if (!account || account.provider !== p.payments.name) {
      const [owner] = await p.db.select({ email: users.email }).from(users).where(eq(users.id, business.ownerId));
      const created = await viaProvider(() =>
        p.payments.createAccount({
          businessId,
          email: business.contactEmail ?? owner?.email ?? null,
          country: business.address.country ?? null,
          idempotencyKey: `account:${p.payments.name}:${businessId}`,
        }),
      );
      const now = p.clock.now();
      const values = {
        provider: p.payments.name,
        accountId: created.id,
        chargesEnabled: created.chargesEnabled,
        payoutsEnabled: created.payoutsEnabled,
        detailsSubmitted: created.detailsSubmitted,
        updatedAt: now,
      };
      await p.db
        .insert(payoutAccounts)
        .values({ businessId, ...values, createdAt: now })
        .onConflictDoUpdate({ target: payoutAccounts.businessId, set: values });
      account = (await findPayoutAccount(p.db, businessId))!;
    }
    const page = payoutsPage(p.config.publicUrl, businessId);
    const url = await viaProvider(() =>
      p.payments.onboardingLink({ accountId: account.accountId, businessId, returnUrl: `${page}&onboarding=done`, refreshUrl: `${page}&onboarding=refresh` }),
    );
    return { url, accountId: account.accountId, provider: p.payments.name };
  }

  /** The account, refreshed from the provider while onboarding is unfinished (webhooks may not reach a dev machine). */
  async function status(actor: Actor, businessId: string): Promise<PayoutAccount | null> {
    await readable(actor, businessId);
    const account = await findPayoutAccount(p.db, businessId);
    if (!account) return null;
    const unfinished = !(account.chargesEnabled && account.payoutsEnabled && account.detailsSubmitted);
    if (unfinished && account.provider === p.payments.name && p.payments.retrieveAccount) {
      const fresh = await viaProvider(() => p.payments.retrieveAccount!(account.accountId));
      await saveAccountFlags(p.db, fresh, p.clock.now());
      return view({ ...fresh, accountId: fresh.id });
    }
    return view(account);
  }

  /** The simulation's onboarding form: the owner's click marks the account ready. */
  async function completeSimulated(actor: Actor, businessId: string): Promise<PayoutAccount> {
    await ownedBusiness(p.db, businessId, actor);
    if (!p.payments.completeTestOnboarding) throw new NotFound('Simulated onboarding');
    const account = await findPayoutAccount(p.db, businessId);
    if (!account || account.provider !== p.payments.name) throw new Conflict('Start the payout onboarding first.');
    const done = await p.payments.completeTestOnboarding(account.accountId);
    await saveAccountFlags(p.db, done, p.clock.now());
    return view({ ...done, accountId: done.id });
  }

  return { onboarding, status, completeSimulated, readable };
}
