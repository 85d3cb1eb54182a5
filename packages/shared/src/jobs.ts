import type { NotificationChannel } from './notifications.js';

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
  | { template: 'refund-issued'; firstName: string; number: string; amount: string; link: string }
  // Notifications without a mail of their own (reminders, on the way, started, reviews): title, text and a link.
  | { template: 'notification'; firstName: string; title: string; message: string; link: string | null }
  // The walk report's summary; `distance`/`duration` already formatted ("2.4 km", "58 min").
  | {
      template: 'walk-report';
      firstName: string;
      petNames: string;
      workerName: string;
      number: string;
      distance: string;
      duration: string;
      events: string[];
      notes: string | null;
      link: string;
    };

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
  /**
   * Sends one notification on one channel (e-mail, SMS, push, or the live in-app push to the user's room).
   * Each channel has its own queue (`deliveryJobName`), so a slow channel never holds back the others;
   * `notifications.deliver` is still worked for jobs enqueued before the queues were split.
   */
  'notifications.deliver': { deliveryId: string };
  'notifications.deliver.in_app': { deliveryId: string };
  'notifications.deliver.email': { deliveryId: string };
  'notifications.deliver.sms': { deliveryId: string };
  'notifications.deliver.push': { deliveryId: string };
  /** A reminder before a confirmed booking; does nothing if the booking moved or is no longer confirmed. */
  'notifications.reminder': { bookingId: string; kind: '24h' | '1h'; startsAt: string };
  /** Deletes notifications older than 90 days (run hourly). */
  'notifications.cleanup': Record<string, never>;
  /** Builds (or rebuilds) a completed booking's walk report and, the first time, mails its summary. */
  'tracking.report': { bookingId: string };
  /** Takes workers who sent nothing for 5 minutes out of the live index and marks them offline (run every minute). */
  'tracking.presence-sweep': Record<string, never>;
};
export type JobName = keyof JobMap;
export const JOB_NAMES = [
  'mail.send',
  'user.erase',
  'bookings.expire-due',
  'payments.capture',
  'payments.release',
  'payments.refund',
  'notifications.deliver',
  'notifications.deliver.in_app',
  'notifications.deliver.email',
  'notifications.deliver.sms',
  'notifications.deliver.push',
  'notifications.reminder',
  'notifications.cleanup',
  'tracking.report',
  'tracking.presence-sweep',
] as const satisfies readonly JobName[];

/** The queue of a delivery on `channel`. */
export function deliveryJobName<C extends NotificationChannel>(channel: C): `notifications.deliver.${C}` {
  return `notifications.deliver.${channel}`;
}
/** Every queue a delivery job may wait in (the per-channel ones and the one from before the split). */
export const DELIVERY_JOB_NAMES = [
  'notifications.deliver',
  'notifications.deliver.in_app',
  'notifications.deliver.email',
  'notifications.deliver.sms',
  'notifications.deliver.push',
] as const satisfies readonly JobName[];
