import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { basic, deliveriesOf, jobOf, notificationsOf, notify } from './helpers.js';

/**
 * A delivery whose job ran out of retries (the mail server was down for hours) is not dropped: the
 * hourly cleanup gives it a new job, never a second one while the first is still waiting or running,
 * and after three days it is marked failed.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const HOUR = 60 * 60_000;
/** The notification's mails to `to` (not the sign-up mail the new account also gets). */
const sentTo = (to: string) => t.outbox.filter((m) => m.to === to && m.subject === basic(to).title);
async function emailDelivery(userId: string) {
  await notify(t, basic(userId));
  const [notification] = await notificationsOf(t, userId);
  return (await deliveriesOf(t, notification!.id)).find((d) => d.channel === 'email')!;
}
/** What the deliver job and pg-boss leave when every retry failed: the last attempt's error, now, and a failed job. */
async function exhaust(deliveryId: string) {
  await t.db.execute(
    sql`update notification_deliveries set attempts = 9, last_error = '421 try again later', updated_at = ${t.clock.now()} where id = ${deliveryId}`,
  );
  await t.db.execute(sql`update pgboss.job set state = 'failed' where name like 'notifications.deliver%' and data->>'deliveryId' = ${deliveryId}`);
}
const cleanup = async () => {
  await t.app.platform.queue.enqueue(t.db, 'notifications.cleanup', {});
  await t.drain();
};
const jobsOf = async (deliveryId: string) =>
  (await t.db.execute(
    sql`select name, state from pgboss.job where name like 'notifications.deliver%' and data->>'deliveryId' = ${deliveryId} order by created_on`,
  )) as unknown as {
    rows: { name: string; state: string }[];
  };

describe('deliveries that ran out of retries', () => {
  it('get a new job from the hourly cleanup and are then sent once', async () => {
    const user = await t.newUser();
    const delivery = await emailDelivery(user.id);
    await exhaust(delivery.id);
    t.outbox.length = 0;

    await cleanup();
    expect(sentTo(user.email)).toHaveLength(0); // not yet: it failed less than an hour ago

    t.clock.advance(2 * HOUR);
    await cleanup();
    expect(sentTo(user.email)).toHaveLength(1);
    expect((await deliveriesOf(t, delivery.notificationId)).find((d) => d.id === delivery.id)?.status).toBe('sent');
    // The new job went to the e-mail queue, like the first one.
    expect((await jobsOf(delivery.id)).rows).toEqual([
      { name: 'notifications.deliver.email', state: 'failed' },
      { name: 'notifications.deliver.email', state: 'completed' },
    ]);

    t.clock.advance(2 * HOUR);
    await cleanup();
    expect(sentTo(user.email)).toHaveLength(1);
  });

  it('are left to their own job while it is still waiting to retry', async () => {
    const user = await t.newUser();
    const delivery = await emailDelivery(user.id);
    await t.db.execute(
      sql`update pgboss.job set state = 'retry', start_after = now() + interval '1 hour' where name like 'notifications.deliver%' and data->>'deliveryId' = ${delivery.id}`,
    );
    t.clock.advance(2 * HOUR);
    await cleanup();
    expect((await jobsOf(delivery.id)).rows.map((r) => r.state)).toEqual(['retry']);
    expect((await jobOf(t, delivery.id))?.state).toBe('retry');
  });

  it('are marked failed after three days, keeping their last error', async () => {
    const user = await t.newUser();
    const delivery = await emailDelivery(user.id);
    await exhaust(delivery.id);
    t.clock.advance(3 * 24 * HOUR + HOUR);
    await cleanup();
    const after = (await deliveriesOf(t, delivery.notificationId)).find((d) => d.id === delivery.id)!;
    expect(after).toMatchObject({ status: 'failed', lastError: '421 try again later' });
    expect((await jobsOf(delivery.id)).rows.map((r) => r.state)).toEqual(['failed']);
  });
});
