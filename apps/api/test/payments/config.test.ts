import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.js';
import { createPaymentProvider } from '../../src/platform/payments/index.js';

const base = { DATA_DIR: '/tmp/wd-config-test', JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789' };
const stripe = {
  PAYMENTS_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_abc123',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_abc123',
};

describe('payments configuration', () => {
  it('simulates payments by default', () => {
    const config = loadConfig(base);
    expect(config.payments).toEqual({ provider: 'simulated' });
    expect(createPaymentProvider(config)).toMatchObject({ name: 'simulated', testMode: true, publishableKey: null, requiresPayoutAccount: false });
  });

  it('uses Stripe with its keys, optionally at another API address', () => {
    const config = loadConfig({ ...base, ...stripe, STRIPE_API_URL: 'http://127.0.0.1:12111' });
    expect(config.payments).toEqual({
      provider: 'stripe',
      secretKey: 'sk_test_abc123',
      webhookSecret: 'whsec_abc123',
      publishableKey: 'pk_test_abc123',
      apiUrl: 'http://127.0.0.1:12111',
    });
    expect(createPaymentProvider(config)).toMatchObject({ name: 'stripe', testMode: true, publishableKey: 'pk_test_abc123', requiresPayoutAccount: true });
    const live = loadConfig({ ...base, ...stripe, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_PUBLISHABLE_KEY: 'pk_live_abc' });
    expect(createPaymentProvider(live).testMode).toBe(false);
  });

  it.each([
    [
      { PAYMENTS_PROVIDER: 'stripe' },
      'Invalid configuration: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_PUBLISHABLE_KEY are required when PAYMENTS_PROVIDER=stripe',
    ],
    [{ ...stripe, STRIPE_WEBHOOK_SECRET: '' }, 'Invalid configuration: STRIPE_WEBHOOK_SECRET is required when PAYMENTS_PROVIDER=stripe'],
    [{ ...stripe, STRIPE_SECRET_KEY: 'pk_test_abc' }, /STRIPE_SECRET_KEY must be a Stripe secret key/],
    [{ ...stripe, STRIPE_WEBHOOK_SECRET: 'secret' }, /STRIPE_WEBHOOK_SECRET must be a Stripe webhook signing secret/],
    [{ ...stripe, STRIPE_API_URL: 'ftp://stripe.local' }, /STRIPE_API_URL must be a http or https URL/],
    [{ PAYMENTS_PROVIDER: 'paypal' }, /PAYMENTS_PROVIDER/],
  ])('stops with one readable line for %o', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });
});
