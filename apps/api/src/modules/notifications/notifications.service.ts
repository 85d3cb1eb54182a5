import type { MailAttachment, MailTemplate, NotificationType } from '@walkydoggy/shared';
import type { Executor } from '../../platform/db.js';
import type { Queue } from '../../platform/queue.js';
import type { Clock } from '../../platform/clock.js';
import type { Config } from '../../platform/config.js';

export type NotifyInput = {
  userId: string;
  type: NotificationType;
  title: string;
  message: string;
  /** Ids the web app needs (bookingId, …) and `link`, a path in the web app ("/bookings/<id>"). */
  data?: Record<string, unknown> & { link?: string };
  /** For triggers that may run twice (jobs, retries): one notification per (user, key). */
  dedupeKey?: string;
  /** The e-mail of this notification; default: the generic `notification` template. */
  mail?: MailTemplate;
  attachments?: MailAttachment[];
  /** The SMS text; default "title: message link". */
  sms?: string;
};

export type Notifier = {
  /**
   * Creates the in-app notification(s) and one delivery per channel the person's preferences allow,
   * each with its `notifications.deliver` job, on `exec` (the transaction of the write that causes it).
   */
  notify(exec: Executor, input: NotifyInput | NotifyInput[]): Promise<void>;
};

// STUB — replaced by the notifications helper.
export function createNotifier(_p: { queue: Queue; clock: Clock; config: Config }): Notifier {
  return { async notify() {} };
}
