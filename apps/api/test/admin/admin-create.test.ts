import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, users } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { createAdmin } from '../../src/modules/admin/admin.accounts.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const deps = () => ({ database: t.database, queue: t.app.platform.queue, publicUrl: 'http://walkydoggy.test', now: () => t.clock.now() });

describe('admin:create', () => {
  it('creates an admin with no password and a single-use link to choose one', async () => {
    const result = await createAdmin(deps(), { email: 'boss@example.com', firstName: 'Ada' });
    expect(result.created).toBe(true);
    const row = await t.db.query.users.findFirst({ where: eq(users.email, 'boss@example.com') });
    expect(row).toMatchObject({ role: 'admin', passwordHash: null, firstName: 'Ada' });
    // No password works until one is chosen through the link.
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'boss@example.com', password: '' } })).statusCode).toBe(400);
    const token = new URL(result.setPasswordLink!).searchParams.get('token')!;
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/reset-password', payload: { token, password: 'admin chosen passphrase' } })).statusCode).toBe(
      200,
    );
    const session = await t.login('boss@example.com', 'admin chosen passphrase');
    const settings = await t.app.inject({ url: '/v1/admin/settings', headers: t.bearer(session.accessToken) });
    expect(settings.statusCode).toBe(200);
    await t.drain();
    expect(t.outbox.filter((m) => m.to === 'boss@example.com').map((m) => m.subject)).toContain('You are now a WalkyDoggy administrator');
  });

  it('promotes an existing account, ends its sessions and audits the role change', async () => {
    const user = await t.newUser();
    const result = await createAdmin(deps(), { email: user.email.toUpperCase() });
    expect(result).toEqual({ userId: user.id, created: false, setPasswordLink: null });
    expect((await t.app.inject({ url: '/v1/users/me', headers: t.bearer(user.accessToken) })).statusCode).toBe(401);
    const session = await t.login(user.email, user.password);
    expect((await t.app.inject({ url: '/v1/users/me', headers: t.bearer(session.accessToken) })).json().data.role).toBe('admin');
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, user.id))
      .orderBy(auditLog.id)
      .then((rows) => rows.filter((r) => r.action === 'user.role_changed'));
    expect(entry!.details).toMatchObject({ from: 'pet_owner', to: 'admin' });
  });
});
