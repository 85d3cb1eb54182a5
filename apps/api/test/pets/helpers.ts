import type { TestApp } from '../support/app.js';

/** Creates a pet through the API and returns its view. */
export async function createPet(t: TestApp, token: string, body: Record<string, unknown> = {}) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/pets', headers: t.bearer(token), payload: { name: 'Biscuit', species: 'dog', ...body } });
  if (res.statusCode !== 201) throw new Error(`create pet failed: ${res.statusCode} ${res.body}`);
  return res.json().data as { id: string; ownerId: string; name: string } & Record<string, unknown>;
}

/** Invites `email` as co-owner and accepts with `accepter`'s token; returns the accepted pet. */
export async function shareWith(t: TestApp, ownerToken: string, petId: string, coOwner: { email: string; accessToken: string }) {
  const invite = await t.app.inject({ method: 'POST', url: `/v1/pets/${petId}/co-owners`, headers: t.bearer(ownerToken), payload: { email: coOwner.email } });
  if (invite.statusCode !== 201) throw new Error(`invite failed: ${invite.statusCode} ${invite.body}`);
  const { token } = await t.linkFor(coOwner.email, '/invitations/pet');
  const accept = await t.app.inject({ method: 'POST', url: '/v1/pet-invitations/accept', headers: t.bearer(coOwner.accessToken), payload: { token } });
  if (accept.statusCode !== 200) throw new Error(`accept failed: ${accept.statusCode} ${accept.body}`);
  return accept.json().data;
}
