import { and, eq, inArray, sql } from 'drizzle-orm';
import { notificationDeliveries, notifications, pushSubscriptions, users } from '@walkydoggy/shared/db';
import type { MailAttachment, MailTemplate } from '@walkydoggy/shared';
import { preparedStatements } from '../../platform/db.js';
import type { Platform } from '../../platform/platform.js';
import { renderMail } from '../../platform/mail-templates.js';
import type { PushPayload } from '../../platform/push.js';
import { notificationView, unreadCount } from './notifications.queries.js';

type Deps = Pick<Platform, 'db' | 'clock' | 'mailer' | 'sms' | 'push' | 'realtime'>;

/** The delivery with what its channel needs, prepared once per connection (a drain reads thousands). */
const deliveryColumns = {
  id: notificationDeliveries.id,
  channel: notificationDeliveries.channel,
  status: notificationDeliveries.status,
  payload: notificationDeliveries.payload,
  notification: notifications,
  email: users.email,
  phone: users.phone,
  userStatus: users.status,
};
const deliveryStatement = preparedStatements((exec, _shape: 'one') => ({
  query: exec
    .select(deliveryColumns)
    .from(notificationDeliveries)
    .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(eq(notificationDeliveries.id, sql.placeholder('deliveryId'))),
  selection: deliveryColumns,
}));
/**
 * Marks deliveries sent, several in one statement: each call waits for the statement that carries
 * its mark. While one statement runs the next marks gather for the one after it, so a busy drain
 * commits once for many sends, and a lone mark is written at once, as before.
 */
function sentMarks(d: Pick<Deps, 'db'>) {
  type Mark = { id: string; providerId: string | null; at: string; done: (err?: unknown) => void };
  let pending: Mark[] = [];
  let writing = false;
  async function write() {
    writing = true;
    while (pending.length) {
      const marks = pending;
      pending = [];
      const rows = JSON.stringify(marks.map(({ id, providerId, at }) => ({ id, provider_id: providerId, at })));
      try {
        await d.db.execute(sql`
          update notification_deliveries d
          set status = 'sent', provider_id = v.provider_id, sent_at = v.at, updated_at = v.at, attempts = d.attempts + 1
          from jsonb_to_recordset(${rows}::jsonb) as v(id uuid, provider_id text, at timestamptz)
          where d.id = v.id and d.status = 'pending'`);
        for (const mark of marks) mark.done();
      } catch (err) {
        for (const mark of marks) mark.done(err);
      }
    }
    writing = false;
  }
  return (id: string, providerId: string | null, at: Date) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ id, providerId, at: at.toISOString(), done: (err) => (err ? reject(err as Error) : resolve()) });
      if (!writing) void write();
    });
}

/** The channel said no for good (no phone, account gone): nothing to retry. */
class Skip extends Error {}

/**
 * `notifications.deliver.<channel>` (and `notifications.deliver`): sends one delivery on its channel and marks it sent. A send is not
 * repeated after it succeeded: a delivery already sent (or skipped) is left alone, and it is marked
 * sent as soon as the send returns. A failure is recorded and rethrown for pg-boss to retry with
 * backoff; the only window for a duplicate is a crash between the provider's answer and that mark.
 */
export function deliverJob(d: Deps) {
  const markSent = sentMarks(d);
  return async ({ deliveryId }: { deliveryId: string }) => {
    const [row] = await deliveryStatement(d.db, 'one', { deliveryId });
    // Gone with its notification (cleanup, account erasure), or done already.
    if (!row || row.status === 'sent' || row.status === 'skipped') return;

    let providerId: string | null = null;
    try {
      if (row.userStatus !== 'active' && row.channel !== 'in_app') throw new Skip('the account is not active');
      const userId = row.notification.userId;
      switch (row.channel) {
        case 'in_app': {
          const count = await unreadCount(d.db, userId);
          d.realtime.toUser(userId, 'notification:new', { ...notificationView(row.notification), unreadCount: count });
          break;
        }
        case 'email': {
          const payload = row.payload as { mail: MailTemplate; attachments?: MailAttachment[] };
          await d.mailer.send({ to: row.email, ...renderMail(payload.mail), ...(payload.attachments?.length ? { attachments: payload.attachments } : {}) });
          break;
        }
        case 'sms': {
          if (!row.phone) throw new Skip('no phone number');
          providerId = (await d.sms.send(row.phone, (row.payload as { text: string }).text)).id;
          break;
        }
        case 'push':
          await sendPush(d, userId, row.payload as PushPayload);
          break;
      }
    } catch (err) {
      if (err instanceof Skip) {
        await finish(d, deliveryId, { status: 'skipped', lastError: err.message });
        return;
      }
      await d.db
        .update(notificationDeliveries)
        .set({
          attempts: sql`${notificationDeliveries.attempts} + 1`,
          lastError: String((err as Error).message ?? err).slice(0, 1000),
          updatedAt: d.clock.now(),
        })
        .where(eq(notificationDeliveries.id, deliveryId));
      throw err;
    }
    await markSent(deliveryId, providerId, d.clock.now());
  };
}

async function finish(d: Deps, deliveryId: string, set: { status: 'sent' | 'skipped'; providerId?: string | null; sentAt?: Date; lastError?: string }) {
  await d.db
    .update(notificationDeliveries)
    .set({ ...set, attempts: sql`${notificationDeliveries.attempts} + 1`, updatedAt: d.clock.now() })
    .where(and(eq(notificationDeliveries.id, deliveryId), eq(notificationDeliveries.status, 'pending')));
}

/**
 * To every subscription of the person: the ones the push service says are gone are deleted; the
 * delivery fails (and is retried) only when no subscription took it and some failed for another reason.
 */
async function sendPush(d: Deps, userId: string, payload: PushPayload) {
  const targets = await d.db
    .select({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, p256dh: pushSubscriptions.p256dh, auth: pushSubscriptions.auth })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId));
  if (!targets.length) throw new Skip('no push subscription');
  const results = await Promise.all(targets.map(async (target) => ({ target, result: await d.push.send(target, payload) })));
  const ok = results.filter((r) => r.result.ok).map((r) => r.target.id);
  const gone = results.filter((r) => !r.result.ok && r.result.gone).map((r) => r.target.id);
  const failed = results.filter((r) => !r.result.ok && !r.result.gone);
  if (gone.length) await d.db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, gone));
  if (ok.length) await d.db.update(pushSubscriptions).set({ failures: 0, lastSuccessAt: d.clock.now() }).where(inArray(pushSubscriptions.id, ok));
  if (failed.length)
    await d.db
      .update(pushSubscriptions)
      .set({ failures: sql`${pushSubscriptions.failures} + 1` })
      .where(
        inArray(
          pushSubscriptions.id,
          failed.map((f) => f.target.id),
        ),
      );
  if (ok.length) return;
  if (failed.length) throw new Error(failed.map((f) => (f.result.ok ? '' : f.result.error)).join('; '));
  throw new Skip('every push subscription is gone');
}
