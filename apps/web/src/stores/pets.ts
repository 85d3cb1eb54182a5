/** The signed-in owner's pets: the list, the one being edited, and its photos, vaccinations and co-owners. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { mediaApi } from '../api/media';
import { petsApi, type Pet, type PetInput, type VaccinationInput } from '../api/pets';

export const usePetsStore = defineStore('pets', () => {
  const pets = ref<Pet[]>([]);
  const loaded = ref(false);

  function remember(pet: Pet): Pet {
    const index = pets.value.findIndex((p) => p.id === pet.id);
    if (index === -1) pets.value.push(pet);
    else pets.value[index] = pet;
    return pet;
  }

  function patch(id: string, change: (pet: Pet) => void): void {
    const pet = pets.value.find((p) => p.id === id);
    if (pet) change(pet);
  }

  async function load(): Promise<Pet[]> {
    const { data } = await petsApi.list();
    pets.value = data ?? [];
    loaded.value = true;
    return pets.value;
  }

  async function fetchOne(id: string): Promise<Pet> {
    return remember((await petsApi.get(id)).data);
  }

  const byId = (id: string) => pets.value.find((p) => p.id === id) ?? null;

  async function create(input: Partial<PetInput>): Promise<Pet> {
    return remember((await petsApi.create(input)).data);
  }

  async function update(id: string, input: Partial<PetInput>): Promise<Pet> {
    return remember((await petsApi.update(id, input)).data);
  }

  async function remove(id: string): Promise<void> {
    await petsApi.remove(id);
    pets.value = pets.value.filter((p) => p.id !== id);
  }

  /** Uploads straight to the pet (one request); the API re-encodes the image and strips its metadata. */
  async function addPhoto(id: string, file: Blob): Promise<void> {
    const { data } = await petsApi.addPhotoFile(id, file);
    patch(id, (pet) => pet.photos.push(data));
  }

  async function removePhoto(id: string, photoId: string): Promise<void> {
    await petsApi.removePhoto(id, photoId);
    patch(id, (pet) => (pet.photos = pet.photos.filter((p) => p.id !== photoId)));
  }

  /** A PDF, when given, is uploaded first and linked to the record by its media id. */
  async function addVaccination(id: string, input: VaccinationInput, document?: Blob | null): Promise<void> {
    const documentMediaId = document ? (await mediaApi.upload(document, 'vaccination_document')).data.id : undefined;
    const { data } = await petsApi.addVaccination(id, { ...input, expiresOn: input.expiresOn || null, documentMediaId });
    patch(id, (pet) => pet.vaccinations.push(data));
  }

  async function removeVaccination(id: string, vaccinationId: string): Promise<void> {
    await petsApi.removeVaccination(id, vaccinationId);
    patch(id, (pet) => (pet.vaccinations = pet.vaccinations.filter((v) => v.id !== vaccinationId)));
  }

  async function inviteCoOwner(id: string, email: string): Promise<void> {
    const { data } = await petsApi.inviteCoOwner(id, email);
    patch(id, (pet) => (pet.pendingInvitations = [...(pet.pendingInvitations ?? []), { id: data.invitationId, email: data.email, expiresAt: data.expiresAt }]));
  }

  async function removeCoOwner(id: string, userId: string): Promise<void> {
    await petsApi.removeCoOwner(id, userId);
    patch(id, (pet) => (pet.coOwners = pet.coOwners.filter((c) => c.userId !== userId)));
  }

  async function acceptInvitation(token: string): Promise<Pet> {
    return remember((await petsApi.acceptInvitation(token)).data);
  }

  return {
    pets,
    loaded,
    load,
    fetchOne,
    byId,
    create,
    update,
    remove,
    addPhoto,
    removePhoto,
    addVaccination,
    removeVaccination,
    inviteCoOwner,
    removeCoOwner,
    acceptInvitation,
  };
});
