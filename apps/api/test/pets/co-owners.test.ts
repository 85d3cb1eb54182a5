import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { petCoOwners, petInvitations } from '@walkydoggy/shared/db';
import { createTestApp, rowCounts, type TestApp } from '../support/app.js';
import { createPet } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const invite = (token: string, petId: string, email: string) =>
  t.app.inject({ method: 'POST', url: `/v1/pets/${petId}/co-owners`, headers: t.bearer(token), payload: { email } });
const accept = (token: string, inviteToken: string) =>
  t.app.inject({ method: 'POST', url: '/v1/pet-invitations/accept', headers: t.bearer(token), payload: { token: inviteToken } });

describe('co-owner invitations', () => {
  it('invites by e-mail, the invitee accepts and then sees and edits the pet', async () => {
    const owner = await t.newUser({ firstName: 'Ada', lastName: 'Owner' });
    const friend = await t.newUser();
    const pet = await createPet(t, owner.accessToken, { name: 'Pixel' });
    const res = await invite(owner.accessToken, pet.id, friend.email.toUpperCase());
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data).toMatchObject({ invitationId: expect.any(String), email: friend.email.toUpperCase(), expiresAt: expect.any(String) });
    const days = (new Date(res.json().data.expiresAt).getTime() - t.clock.now().getTime()) / 86_400_000;
    expect(days).toBe(7);
    expect((await t.app.inject({ url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) })).json().data.pendingInvitations).toHaveLength(1);

    const { url, token } = await t.linkFor(friend.email, '/invitations/pet');
    expect(url.origin).toBe('http://walkydoggy.test');
    const mail = t.outbox.find((m) => m.to.toLowerCase() === friend.email.toLowerCase() && m.text.includes('/invitations/pet'))!;
    expect(mail.subject).toContain('Ada Owner');
    expect(mail.subject).toContain('Pixel');

    const accepted = await accept(friend.accessToken, token);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().data).toMatchObject({ id: pet.id, isPrimaryOwner: false, coOwners: [{ userId: friend.id, email: friend.email }] });
    expect((await t.app.inject({ url: '/v1/pets', headers: t.bearer(friend.accessToken) })).json().data.map((p: { id: string }) => p.id)).toEqual([pet.id]);
    const edit = await t.app.inject({
      method: 'PUT',
      url: `/v1/pets/${pet.id}`,
      headers: t.bearer(friend.accessToken),
      payload: { feedingNotes: 'No treats' },
    });
    expect(edit.json().data.feedingNotes).toBe('No treats');
    expect((await t.app.inject({ url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) })).json().data.pendingInvitations).toEqual([]);
    // The link works once.
    expect((await accept(friend.accessToken, token)).json().error.code).toBe('TOKEN_INVALID');
  });

  it('mails an address without an account too; it can be accepted after signing up with it', async () => {
    const owner = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    const email = `newcomer-${Date.now()}@example.com`;
    expect((await invite(owner.accessToken, pet.id, email)).statusCode).toBe(201);
    const { token } = await t.linkFor(email, '/invitations/pet');
    const newcomer = await t.newUser({ email });
    expect((await accept(newcomer.accessToken, token)).statusCode).toBe(200);
    expect(await t.db.select().from(petCoOwners).where(eq(petCoOwners.userId, newcomer.id))).toHaveLength(1);
  });

  it('refuses the wrong account without using up the invitation', async () => {
    const owner = await t.newUser();
    const friend = await t.newUser();
    const intruder = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    await invite(owner.accessToken, pet.id, friend.email);
    const { token } = await t.linkFor(friend.email, '/invitations/pet');
    const wrong = await accept(intruder.accessToken, token);
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).not.toContain(pet.id);
    expect((await t.app.inject({ url: `/v1/pets/${pet.id}`, headers: t.bearer(intruder.accessToken) })).statusCode).toBe(404);
    const business = await t.newUser({ role: 'business' });
    expect((await accept(business.accessToken, token)).statusCode).toBe(403);
    expect((await accept(friend.accessToken, token)).statusCode).toBe(200);
  });

  it('refuses an expired or replaced link, and bad tokens', async () => {
    const owner = await t.newUser();
    const friend = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    await invite(owner.accessToken, pet.id, friend.email);
    const { token: first } = await t.linkFor(friend.email, '/invitations/pet');
    // A second invitation replaces the first link.
    await invite(owner.accessToken, pet.id, friend.email);
    const { token: second } = await t.linkFor(friend.email, '/invitations/pet');
    expect(second).not.toBe(first);
    expect((await accept(friend.accessToken, first)).json().error.code).toBe('TOKEN_INVALID');
    t.clock.advance(7 * 86_400_000 + 1000);
    try {
      const expired = await accept(friend.accessToken, second);
      expect(expired.statusCode).toBe(400);
      expect(expired.json().error.code).toBe('TOKEN_EXPIRED');
      expect((await t.app.inject({ url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) })).json().data.pendingInvitations).toEqual([]);
    } finally {
      t.clock.advance(-(7 * 86_400_000 + 1000));
    }
    expect((await accept(friend.accessToken, 'x'.repeat(43))).json().error.code).toBe('TOKEN_INVALID');
    const short = await accept(friend.accessToken, 'abc');
    expect(short.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'body.token' }] });
    expect(await t.db.select().from(petCoOwners).where(eq(petCoOwners.userId, friend.id))).toEqual([]);
  });

  it('a deleted pet’s invitation no longer works', async () => {
    const owner = await t.newUser();
    const friend = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    await invite(owner.accessToken, pet.id, friend.email);
    const { token } = await t.linkFor(friend.email, '/invitations/pet');
    await t.app.inject({ method: 'DELETE', url: `/v1/pets/${pet.id}`, headers: t.bearer(owner.accessToken) });
    expect((await accept(friend.accessToken, token)).json().error.code).toBe('TOKEN_INVALID');
  });

  it('refuses inviting yourself, a current co-owner, bad addresses, or from an unverified account, writing nothing', async () => {
    const owner = await t.newUser();
    const friend = await t.newUser();
    const pet = await createPet(t, owner.accessToken);
    await invite(owner.accessToken, pet.id, friend.email);
    await accept(friend.accessToken, (await t.linkFor(friend.email, '/invitations/pet')).token);
    const before = await rowCounts(t.app);
    const invitationsBefore = (await t.db.select().from(petInvitations)).length;
    const self = await invite(owner.accessToken, pet.id, owner.email);
    expect(self.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'body.email' }] });
    expect((await invite(owner.accessToken, pet.id, friend.email.toUpperCase())).statusCode).toBe(409);
    const bad = await invite(owner.accessToken, pet.id, 'not-an-email');
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'body.email' }] });
    expect(await rowCounts(t.app)).toEqual(before);
    const unverified = await t.newUser({ verified: false });
    const theirPet = await createPet(t, unverified.accessToken);
    const before2 = await rowCounts(t.app);
    expect((await invite(unverified.accessToken, theirPet.id, 'x@example.com')).json().error.code).toBe('EMAIL_NOT_VERIFIED');
    expect(await rowCounts(t.app)).toEqual(before2);
    expect((await t.db.select().from(petInvitations)).length).toBe(invitationsBefore);
  });
});
