import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { mockFetch, ok, fail } from '../test/fetchMock';
import { usePetsStore } from './pets';

const PET_ID = '11111111-1111-4111-8111-111111111111';
function aPet(overrides: Record<string, unknown> = {}) {
  return {
    id: PET_ID,
    ownerId: 'owner',
    name: 'Bello',
    species: 'dog',
    breed: 'Beagle',
    birthDate: null,
    birthDateEstimated: false,
    ageYears: 3,
    weightKg: 12,
    sex: 'male',
    neutered: true,
    microchipId: null,
    temperament: null,
    goodWithKids: true,
    goodWithPets: null,
    energyLevel: 'high',
    feedingNotes: null,
    careNotes: null,
    emergencyContact: null,
    vet: null,
    allergies: [],
    medications: [],
    specialNeeds: null,
    status: 'active',
    photos: [],
    vaccinations: [],
    coOwners: [],
    pendingInvitations: [],
    isPrimaryOwner: true,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

beforeEach(() => setActivePinia(createPinia()));

describe('pets store', () => {
  it('lists and creates pets', async () => {
    const net = mockFetch({ 'GET /v1/pets': ok([aPet()]), 'POST /v1/pets': ok(aPet({ id: 'p2', name: 'Mimi', species: 'cat' }), 201) });
    const store = usePetsStore();

    await store.load();
    await store.create({ name: 'Mimi', species: 'cat' });

    expect(store.pets.map((p) => p.name)).toEqual(['Bello', 'Mimi']);
    expect(net.callsTo('POST /v1/pets')[0]?.body).toEqual({ name: 'Mimi', species: 'cat' });
  });

  it('uploads a photo as multipart straight to the pet and shows it', async () => {
    const net = mockFetch({
      'GET /v1/pets': ok([aPet()]),
      [`POST /v1/pets/${PET_ID}/photos`]: ok({ id: 'ph1', mediaId: 'm1', url: '/v1/media/m1/file', thumbnailUrl: '/v1/media/m1/thumbnail' }, 201),
    });
    const store = usePetsStore();
    await store.load();

    await store.addPhoto(PET_ID, new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }));

    const init = net.fetchMock.mock.calls.at(-1)?.[1] as RequestInit;
    expect(init.body).toBeInstanceOf(FormData);
    expect((init.body as FormData).get('file')).toBeInstanceOf(Blob);
    expect((init.headers as Record<string, string>)['content-type']).toBeUndefined();
    expect(store.byId(PET_ID)?.photos.map((p) => p.id)).toEqual(['ph1']);
  });

  it('uploads a vaccination document first, then links it by media id', async () => {
    const net = mockFetch({
      'GET /v1/pets': ok([aPet()]),
      'POST /v1/media': ok({ id: 'doc1', purpose: 'vaccination_document', kind: 'document', url: '/v1/media/doc1/file' }, 201),
      [`POST /v1/pets/${PET_ID}/vaccinations`]: ok(
        { id: 'v1', name: 'Rabies', administeredOn: '2025-01-02', expiresOn: null, valid: true, document: null },
        201,
      ),
    });
    const store = usePetsStore();
    await store.load();

    await store.addVaccination(PET_ID, { name: 'Rabies', administeredOn: '2025-01-02', expiresOn: '' }, new Blob(['%PDF-1.4'], { type: 'application/pdf' }));

    const upload = net.fetchMock.mock.calls.find(([path]) => path === '/v1/media')?.[1] as RequestInit;
    expect((upload.body as FormData).get('purpose')).toBe('vaccination_document');
    expect(net.callsTo(`POST /v1/pets/${PET_ID}/vaccinations`)[0]?.body).toEqual({
      name: 'Rabies',
      administeredOn: '2025-01-02',
      expiresOn: null,
      documentMediaId: 'doc1',
    });
    expect(store.byId(PET_ID)?.vaccinations).toHaveLength(1);
  });

  it('invites and removes co-owners, and forgets a deleted pet', async () => {
    mockFetch({
      'GET /v1/pets': ok([aPet({ coOwners: [{ userId: 'u2', firstName: 'Ben', lastName: 'B', email: 'ben@example.com' }] })]),
      [`POST /v1/pets/${PET_ID}/co-owners`]: ok({ invitationId: 'i1', email: 'cleo@example.com', expiresAt: '2025-02-01T00:00:00.000Z' }, 201),
      [`DELETE /v1/pets/${PET_ID}/co-owners/u2`]: ok(),
      [`DELETE /v1/pets/${PET_ID}`]: ok(),
    });
    const store = usePetsStore();
    await store.load();

    await store.inviteCoOwner(PET_ID, 'cleo@example.com');
    expect(store.byId(PET_ID)?.pendingInvitations?.map((i) => i.email)).toEqual(['cleo@example.com']);
    await store.removeCoOwner(PET_ID, 'u2');
    expect(store.byId(PET_ID)?.coOwners).toEqual([]);
    await store.remove(PET_ID);
    expect(store.pets).toEqual([]);
  });

  it('passes on a 404 for a pet the caller may not see', async () => {
    mockFetch({ [`GET /v1/pets/${PET_ID}`]: fail(404, 'NOT_FOUND', 'Pet not found.') });
    await expect(usePetsStore().fetchOne(PET_ID)).rejects.toMatchObject({ status: 404 });
  });
});
