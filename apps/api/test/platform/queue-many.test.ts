import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { rowsOf } from '../../src/platform/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A mail job's settings, without what differs between any two jobs (ids, instants, the payload). */
async function settingsOf(to: string) {
  const [row] = rowsOf<{ settings: Record<string, unknown>; delay: number }>(
    await t.db.execute(sql`select to_jsonb(j) - 'id' - 'data' - 'created_on' - 'start_after' - 'keep_until' - 'singleton_on' as settings,
        extract(epoch from start_after - created_on)::int as delay
      from pgboss.job j where name = 'mail.send' and data->>'to' = ${to}`),
  );
  return row!;
}
const mail = (to: string) => ({ to, template: 'password-changed' as const, firstName: 'A' });

describe('queue.enqueueMany', () => {
  it('adds jobs exactly as enqueue does, only when the transaction commits', async () => {
    const { queue } = t.app.platform;
    await expect(
      t.db.transaction(async (tx) => {
        await queue.enqueueMany(tx, 'mail.send', [mail('gone-1@example.com'), mail('gone-2@example.com')]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await t.db.transaction(async (tx) => {
      await queue.enqueue(tx, 'mail.send', mail('one@example.com'));
      await queue.enqueueMany(tx, 'mail.send', [mail('many-1@example.com'), mail('many-2@example.com')]);
      await queue.enqueue(tx, 'mail.send', mail('later-one@example.com'), { startAfterSeconds: 30 });
      await queue.enqueueMany(tx, 'mail.send', [mail('later-many@example.com')], { startAfterSeconds: 30 });
      await queue.enqueueMany(tx, 'mail.send', []);
    });
    const one = await settingsOf('one@example.com');
    expect(one.settings).toMatchObject({ retry_limit: 5, retry_backoff: true, state: 'created' });
    expect(await settingsOf('many-1@example.com')).toEqual(one);
    expect(await settingsOf('many-2@example.com')).toEqual(one);
    const later = await settingsOf('later-one@example.com');
    expect(later.delay).toBe(30);
    expect(await settingsOf('later-many@example.com')).toEqual(later);

    expect(await t.drain()).toBe(3);
    expect(t.outbox.map((m) => m.to).sort()).toEqual(['many-1@example.com', 'many-2@example.com', 'one@example.com']);
  });
});
