/** Typed job map: every background job's name and payload, shared by whoever enqueues and whoever works it. */
export type MailTemplate =
  | { template: 'verify-email'; firstName: string; link: string }
  | { template: 'already-registered'; firstName: string; loginLink: string; resetLink: string }
  | { template: 'reset-password'; firstName: string; link: string }
  | { template: 'password-changed'; firstName: string }
  | { template: 'account-deleted'; firstName: string }
  | { template: 'admin-invite'; link: string }
  | { template: 'pet-co-owner-invite'; inviterName: string; petName: string; link: string }
  | { template: 'worker-invite'; businessName: string; inviterName: string; link: string }
  // Bookings: `when` is already formatted in the business's time zone; `link` opens the booking in the web app.
  | { template: 'booking-requested'; businessName: string; ownerName: string; serviceName: string; when: string; number: string; link: string }
  | { template: 'booking-confirmed'; firstName: string; businessName: string; serviceName: string; when: string; number: string; link: string }
  | {
      template: 'booking-declined';
      firstName: string;
      businessName: string;
      serviceName: string;
      when: string;
      number: string;
      reason: string | null;
      link: string;
    }
  | { template: 'booking-expired'; firstName: string; businessName: string; serviceName: string; when: string; number: string; link: string }
  | {
      template: 'booking-cancelled';
      firstName: string;
      cancelledBy: string;
      serviceName: string;
      when: string;
      number: string;
      reason: string;
      /** What is refunded, formatted ("€12.50"), or null when nothing was paid. */
      refund: string | null;
      link: string;
    }
  | { template: 'booking-completed'; firstName: string; businessName: string; serviceName: string; number: string; notes: string | null; link: string }
  // Payments: amounts formatted with their currency.
  | {
      template: 'payment-receipt';
      firstName: string;
      businessName: string;
      number: string;
      total: string;
      lines: { label: string; amount: string }[];
      invoiceLink: string;
    }
  | { template: 'refund-issued'; firstName: string; number: string; amount: string; link: string };

/** A file attached to a mail (an .ics invitation): text content, sent as is. */
export type MailAttachment = { filename: string; contentType: string; content: string };

export type JobMap = {
  'mail.send': { to: string; attachments?: MailAttachment[] } & MailTemplate;
  'user.erase': { userId: string };
  /** Expires every pending booking whose answer deadline has passed (run every minute and on demand). */
  'bookings.expire-due': Record<string, never>;
  /** Captures an authorised payment (the booking was confirmed). */
  'payments.capture': { paymentId: string };
  /** Releases an authorisation or cancels an unpaid intent (declined, expired, cancelled before capture, repriced). */
  'payments.release': { paymentId: string };
  /** Sends a pending refund to the provider. */
  'payments.refund': { refundId: string };
};
export type JobName = keyof JobMap;
export const JOB_NAMES = [
  'mail.send',
  'user.erase',
  'bookings.expire-due',
  'payments.capture',
  'payments.release',
  'payments.refund',
] as const satisfies readonly JobName[];
