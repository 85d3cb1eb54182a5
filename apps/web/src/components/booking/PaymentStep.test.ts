import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { mockFetch, ok } from '../../test/fetchMock';
import { settle } from '../../test/mountPage';
import { BOOKING, PAYMENT, aBooking, aPayment } from '../../test/bookingFixtures';
import PaymentStep from './PaymentStep.vue';

// Stripe.js itself comes from js.stripe.com; its loader is replaced by a stand-in that records the calls.
const stripe = vi.hoisted(() => {
  const element = { on: vi.fn((_event: string, fn: () => void) => fn()), mount: vi.fn(), destroy: vi.fn() };
  const elements = { create: vi.fn(() => element), getElement: vi.fn(() => element) };
  const instance = { elements: vi.fn(() => elements), confirmPayment: vi.fn(async () => ({})) };
  return { element, elements, instance, loadStripe: vi.fn(async () => instance) };
});
vi.mock('@stripe/stripe-js/pure', () => ({ loadStripe: stripe.loadStripe }));

let wrapper: VueWrapper | undefined;
beforeEach(() => {
  setActivePinia(createPinia());
  sessionStorage.clear();
});
afterEach(() => wrapper?.unmount());

describe('payment step with Stripe', () => {
  it('shows the Payment Element for the intent and has the API read the payment back after Stripe confirms', async () => {
    const net = mockFetch({
      'GET /v1/config': ok({ mapStyleUrl: null, payments: { provider: 'stripe', publishableKey: 'pk_test_123' } }),
      'POST /v1/payments/intent': ok({ payment: aPayment({ provider: 'stripe' }), clientSecret: 'pi_123_secret_456', testMode: false }, 201),
      'POST /v1/payments/confirm': ok(aPayment({ provider: 'stripe', status: 'authorized' })),
    });
    wrapper = mount(PaymentStep, { props: { booking: aBooking() }, attachTo: document.body });
    await settle();

    expect(wrapper.text()).not.toContain('TEST MODE');
    expect(stripe.loadStripe).toHaveBeenCalledWith('pk_test_123');
    expect(stripe.instance.elements).toHaveBeenCalledWith({ clientSecret: 'pi_123_secret_456' });
    expect(stripe.elements.create).toHaveBeenCalledWith('payment');
    const pay = wrapper.find('button[type="submit"]');
    expect(pay.text()).toBe('Pay €18.00');

    await wrapper.find('form').trigger('submit');
    await settle();

    expect(stripe.instance.confirmPayment).toHaveBeenCalledWith(
      expect.objectContaining({ redirect: 'if_required', confirmParams: { return_url: `${location.origin}/bookings/${BOOKING}/confirmed` } }),
    );
    expect(net.callsTo('POST /v1/payments/confirm')[0]?.body).toEqual({ paymentId: PAYMENT });
    expect(wrapper.emitted('paid')?.[0]?.[0]).toMatchObject({ status: 'authorized' });
  });

  it("shows Stripe's refusal and does not report the booking paid", async () => {
    stripe.instance.confirmPayment.mockResolvedValueOnce({ error: { message: 'Your card was declined.' } } as never);
    const net = mockFetch({
      'GET /v1/config': ok({ mapStyleUrl: null, payments: { provider: 'stripe', publishableKey: 'pk_test_123' } }),
      'POST /v1/payments/intent': ok({ payment: aPayment({ provider: 'stripe' }), clientSecret: 'pi_123_secret_456', testMode: false }, 201),
    });
    wrapper = mount(PaymentStep, { props: { booking: aBooking() }, attachTo: document.body });
    await settle();

    await wrapper.find('form').trigger('submit');
    await settle();

    expect(wrapper.find('[role="alert"]').text()).toBe('Your card was declined.');
    expect(net.callsTo('POST /v1/payments/confirm')).toHaveLength(0);
    expect(wrapper.emitted('paid')).toBeUndefined();
  });

  it('pays a tip through the Payment Element and comes back to the booking after a card check', async () => {
    const tip = aPayment({ id: 'tip-1', kind: 'tip', provider: 'stripe', amountMinor: 500 });
    const net = mockFetch({
      'GET /v1/config': ok({ mapStyleUrl: null, payments: { provider: 'stripe', publishableKey: 'pk_test_123' } }),
      'POST /v1/payments/intent': ok({ payment: tip, clientSecret: 'pi_tip_secret_1', testMode: false }, 201),
      'POST /v1/payments/confirm': ok({ ...tip, status: 'succeeded' }),
    });
    wrapper = mount(PaymentStep, { props: { booking: aBooking({ status: 'completed' }), tipMinor: 500 }, attachTo: document.body });
    await settle();

    expect(net.callsTo('POST /v1/payments/intent')[0]?.body).toEqual({ bookingId: BOOKING, kind: 'tip', amountMinor: 500 });
    expect(stripe.instance.elements).toHaveBeenCalledWith({ clientSecret: 'pi_tip_secret_1' });
    expect(wrapper.find('button[type="submit"]').text()).toBe('Pay €5.00');

    await wrapper.find('form').trigger('submit');
    await settle();

    expect(stripe.instance.confirmPayment).toHaveBeenCalledWith(
      expect.objectContaining({ confirmParams: { return_url: `${location.origin}/bookings/${BOOKING}?tip=tip-1` } }),
    );
    expect(wrapper.emitted('paid')?.[0]?.[0]).toMatchObject({ kind: 'tip', status: 'succeeded' });
  });
});
