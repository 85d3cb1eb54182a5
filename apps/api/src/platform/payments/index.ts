import type { Config } from '../config.js';
import type { PaymentProvider } from './provider.js';
import { createSimulatedProvider } from './simulated.js';
import { createStripeProvider } from './stripe.js';

export type { PaymentProvider } from './provider.js';

/** The one place that chooses the payment provider from the configuration. */
export function createPaymentProvider(config: Pick<Config, 'payments'>): PaymentProvider {
  const c = config.payments;
  return c.provider === 'stripe' ? createStripeProvider(c) : createSimulatedProvider();
}
