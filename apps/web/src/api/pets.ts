/** Pets of the signed-in owner (`/v1/pets`), their photos, vaccinations and co-owners. */
import { api, queryString } from './client';
import { mediaForm, type Media } from './media';

export const SPECIES = ['dog', 'cat', 'other'] as const;
export type Species = (typeof SPECIES)[number];
export const PET_SEXES = ['male', 'female', 'unknown'] as const;
export const ENERGY_LEVELS = ['low', 'medium', 'high'] as const;
export const PET_STATUSES = ['active', 'deceased', 'rehomed'] as const;

export type Medication = { name: string; dose: string; schedule: string; notes: string };
export type EmergencyContact = { name: string; phone: string; relation: string };
export type Vet = { name: string; clinic: string; phone: string; address: string };
export type PetPhoto = { id: string; mediaId: string; url: string; thumbnailUrl: string | null };
export type Vaccination = { id: string; name: string; administeredOn: string; expiresOn: string | null; valid: boolean; document: Media | null };
export type CoOwner = { userId: string; firstName: string; lastName: string; email: string };
export type PetInvitation = { id: string; email: string; expiresAt: string };

export type Pet = {
  id: string;
  ownerId: string;
  name: string;
  species: Species;
  breed: string | null;
  birthDate: string | null;
  birthDateEstimated: boolean;
  ageYears: number | null;
  weightKg: number | null;
  sex: (typeof PET_SEXES)[number];
  neutered: boolean;
  microchipId: string | null;
  temperament: string | null;
  goodWithKids: boolean | null;
  goodWithPets: boolean | null;
  energyLevel: (typeof ENERGY_LEVELS)[number] | null;
  feedingNotes: string | null;
  careNotes: string | null;
  emergencyContact: EmergencyContact | null;
  vet: Vet | null;
  allergies: string[];
  medications: Medication[];
  specialNeeds: string | null;
  status: (typeof PET_STATUSES)[number];
  photos: PetPhoto[];
  vaccinations: Vaccination[];
  coOwners: CoOwner[];
  pendingInvitations?: PetInvitation[];
  isPrimaryOwner: boolean;
  createdAt: string;
  updatedAt: string;
};

/** What the owner edits; the rest is derived or managed through its own endpoint. */
export type PetInput = Omit<
  Pet,
  'id' | 'ownerId' | 'ageYears' | 'photos' | 'vaccinations' | 'coOwners' | 'pendingInvitations' | 'isPrimaryOwner' | 'createdAt' | 'updatedAt'
> & { ageYears?: number | null };

export type VaccinationInput = { name: string; administeredOn: string; expiresOn?: string | null; documentMediaId?: string | null };

export const petsApi = {
  list: (status?: Pet['status']) => api.get<Pet[]>(`/pets${queryString({ status })}`),
  get: (id: string) => api.get<Pet>(`/pets/${id}`),
  create: (body: Partial<PetInput>) => api.post<Pet>('/pets', body),
  update: (id: string, body: Partial<PetInput>) => api.put<Pet>(`/pets/${id}`, body),
  remove: (id: string) => api.delete(`/pets/${id}`),
  addPhotoFile: (id: string, file: Blob) => api.upload<PetPhoto>(`/pets/${id}/photos`, mediaForm(file)),
  addPhotoMedia: (id: string, mediaId: string) => api.post<PetPhoto>(`/pets/${id}/photos`, { mediaId }),
  removePhoto: (id: string, photoId: string) => api.delete(`/pets/${id}/photos/${photoId}`),
  addVaccination: (id: string, body: VaccinationInput) => api.post<Vaccination>(`/pets/${id}/vaccinations`, body),
  updateVaccination: (id: string, vaccinationId: string, body: VaccinationInput) => api.put<Vaccination>(`/pets/${id}/vaccinations/${vaccinationId}`, body),
  removeVaccination: (id: string, vaccinationId: string) => api.delete(`/pets/${id}/vaccinations/${vaccinationId}`),
  inviteCoOwner: (id: string, email: string) => api.post<{ invitationId: string; email: string; expiresAt: string }>(`/pets/${id}/co-owners`, { email }),
  removeCoOwner: (id: string, userId: string) => api.delete(`/pets/${id}/co-owners/${userId}`),
  acceptInvitation: (token: string) => api.post<Pet>('/pet-invitations/accept', { token }),
};
