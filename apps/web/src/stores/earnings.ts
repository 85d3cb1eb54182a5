/** A business's earnings over a period and its payouts (Connect) account. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Earnings, PayoutAccount } from '@walkydoggy/shared';
import { payoutsApi } from '../api/payments';

export const useEarningsStore = defineStore('earnings', () => {
  const earnings = ref<Earnings | null>(null);
  const account = ref<PayoutAccount | null>(null);
  const accountLoaded = ref(false);

  async function load(businessId: string, from?: string, to?: string): Promise<Earnings> {
    const [money, payouts] = await Promise.all([payoutsApi.earnings(businessId, from, to), payoutsApi.status(businessId)]);
    earnings.value = money.data;
    account.value = payouts.data ?? null;
    accountLoaded.value = true;
    return earnings.value;
  }

  /** The provider's onboarding page (Stripe's hosted form, or the simulated provider's local page). */
  async function onboardingUrl(businessId: string): Promise<string> {
    return (await payoutsApi.onboarding(businessId)).data.url;
  }

  async function loadAccount(businessId: string): Promise<PayoutAccount | null> {
    account.value = (await payoutsApi.status(businessId)).data ?? null;
    accountLoaded.value = true;
    return account.value;
  }

  /** Test mode only: finishes the simulated provider's onboarding. */
  async function completeSimulated(businessId: string): Promise<PayoutAccount> {
    account.value = (await payoutsApi.completeSimulated(businessId)).data;
    accountLoaded.value = true;
    return account.value;
  }

  return { earnings, account, accountLoaded, load, loadAccount, onboardingUrl, completeSimulated };
});
