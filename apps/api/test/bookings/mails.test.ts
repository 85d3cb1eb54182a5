import { describe, expect, it } from 'vitest';
import type { MailTemplate } from '@walkydoggy/shared';
import { renderMail } from '../../src/platform/mail-templates.js';
import { formatWhen } from '../../src/modules/bookings/bookings.mails.js';

const link = 'http://walkydoggy.test/bookings/b1';
const common = {
  businessName: 'Happy Paws',
  serviceName: 'Neighbourhood walk',
  when: 'Tue 4 Jun 2030, 10:00–11:00 (Europe/Berlin)',
  number: 'WD-7K3M-9Q2P',
  link,
};

describe('booking and payment mail templates', () => {
  const cases: [MailTemplate, string, string[]][] = [
    [
      { template: 'booking-requested', ...common, ownerName: 'Robin Walker' },
      'New booking request WD-7K3M-9Q2P: Neighbourhood walk',
      ['Robin Walker asked Happy Paws for Neighbourhood walk on Tue 4 Jun 2030, 10:00–11:00 (Europe/Berlin).', `Answer the request: ${link}`],
    ],
    [
      { template: 'booking-confirmed', ...common, firstName: 'Robin' },
      'Booking WD-7K3M-9Q2P confirmed: Neighbourhood walk',
      ['Hi Robin,', 'Happy Paws confirmed your booking', 'calendar file'],
    ],
    [
      { template: 'booking-declined', ...common, firstName: 'Robin', reason: 'No walker free' },
      'Booking WD-7K3M-9Q2P declined',
      ['cannot take your booking', 'Their reason: No walker free', 'Nothing is charged'],
    ],
    [{ template: 'booking-expired', ...common, firstName: 'Robin' }, 'Booking request WD-7K3M-9Q2P expired', ['did not answer', 'Nothing is charged']],
    [
      { template: 'booking-cancelled', ...common, firstName: 'Sam', cancelledBy: 'Robin Walker', reason: 'Plans changed', refund: '€10.00' },
      'Booking WD-7K3M-9Q2P cancelled',
      ['Robin Walker cancelled the booking of Neighbourhood walk', 'Reason: Plans changed', 'Refund: €10.00.'],
    ],
    [
      { template: 'booking-cancelled', ...common, firstName: 'Sam', cancelledBy: 'Happy Paws', reason: 'Ill', refund: null },
      'Booking WD-7K3M-9Q2P cancelled',
      ['Nothing was charged for this booking.'],
    ],
    [
      { template: 'booking-completed', ...common, firstName: 'Robin', notes: 'Chased a squirrel' },
      'Neighbourhood walk done: booking WD-7K3M-9Q2P',
      ['Happy Paws completed Neighbourhood walk.', 'Their notes: Chased a squirrel'],
    ],
    [
      {
        template: 'payment-receipt',
        firstName: 'Robin',
        businessName: 'Happy Paws',
        number: 'WD-7K3M-9Q2P',
        total: '€25.00',
        lines: [
          { label: '1 session', amount: '€20.00' },
          { label: '1 additional pet', amount: '€5.00' },
        ],
        invoiceLink: 'http://walkydoggy.test/v1/payments/p1/invoice',
      },
      'Receipt for booking WD-7K3M-9Q2P',
      ['1 session: €20.00', '1 additional pet: €5.00', 'Total paid: €25.00', 'Download the invoice: http://walkydoggy.test/v1/payments/p1/invoice'],
    ],
    [
      { template: 'refund-issued', firstName: 'Robin', number: 'WD-7K3M-9Q2P', amount: '€10.00', link },
      'Refund for booking WD-7K3M-9Q2P',
      ['We refunded €10.00'],
    ],
  ];

  for (const [mail, subject, phrases] of cases)
    it(`${mail.template}${mail.template === 'booking-cancelled' && mail.refund === null ? ' (nothing paid)' : ''}`, () => {
      const rendered = renderMail(mail);
      expect(rendered.subject).toBe(subject);
      for (const phrase of phrases) expect(rendered.text).toContain(phrase);
      expect(rendered.html).toContain('<!doctype html>');
    });

  it('escapes what people typed in the HTML part', () => {
    const rendered = renderMail({ template: 'booking-declined', ...common, firstName: 'Robin', reason: '<script>alert(1)</script>' });
    expect(rendered.html).not.toContain('<script>');
    expect(rendered.html).toContain('&#60;script&#62;');
  });
});

describe('formatWhen', () => {
  const zone = 'Europe/Berlin';
  it('a slot, in the business’s time zone', () => {
    expect(
      formatWhen({
        kind: 'slot',
        serviceType: 'walking',
        businessTimeZone: zone,
        startsAt: new Date('2030-06-04T08:00:00Z'),
        endsAt: new Date('2030-06-04T09:30:00Z'),
        startDate: null,
        endDate: null,
      }),
    ).toBe('Tue 4 Jun 2030, 10:00–11:30 (Europe/Berlin)');
    expect(
      formatWhen({
        kind: 'slot',
        serviceType: 'sitting',
        businessTimeZone: zone,
        startsAt: new Date('2030-06-04T20:00:00Z'),
        endsAt: new Date('2030-06-05T06:00:00Z'),
        startDate: null,
        endDate: null,
      }),
    ).toBe('Tue 4 Jun 2030, 22:00–Wed 5 Jun 2030, 08:00 (Europe/Berlin)');
  });
  it('boarding up to its check-out day, daycare up to its last day', () => {
    const base = { kind: 'day' as const, businessTimeZone: zone, startsAt: new Date(), endsAt: new Date() };
    expect(formatWhen({ ...base, serviceType: 'boarding', startDate: '2030-07-01', endDate: '2030-07-04' })).toBe(
      'Mon 1 Jul 2030 to Thu 4 Jul 2030 (check-out)',
    );
    expect(formatWhen({ ...base, serviceType: 'daycare', startDate: '2030-07-01', endDate: '2030-07-04' })).toBe('Mon 1 Jul 2030 to Wed 3 Jul 2030');
    expect(formatWhen({ ...base, serviceType: 'daycare', startDate: '2030-07-01', endDate: '2030-07-02' })).toBe('Mon 1 Jul 2030');
  });
});
