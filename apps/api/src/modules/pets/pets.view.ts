import type { Pet, PetPhoto, Vaccination } from '@walkydoggy/shared';
import { toMediaView } from '../media/media.service.js';
import type { MediaRow, PetDetails, PetRow } from './pets.queries.js';

/** Today's date (UTC) as YYYY-MM-DD. */
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Whole months from `from` (YYYY-MM-DD) to `to`. */
function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
}

/** Age in years with one decimal, rounded down (a six-month puppy is 0.5). */
export function ageYears(birthDate: string | null, today: string): number | null {
  if (!birthDate) return null;
  return Math.max(0, Math.floor((monthsBetween(birthDate, today) / 12) * 10) / 10);
}

/** The birth date implied by an age given in years (to the month), for owners who do not know the day. */
export function birthDateFromAge(years: number, today: string): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - Math.round(years * 12);
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

export function toPhotoView(photo: { id: string; media: MediaRow }): PetPhoto {
  const view = toMediaView(photo.media);
  return { id: photo.id, mediaId: photo.media.id, url: view.url, thumbnailUrl: view.thumbnailUrl };
}

export function toVaccinationView(v: PetDetails['vaccinations'][number]['vaccination'], document: MediaRow | null, today: string): Vaccination {
  return {
    id: v.id,
    name: v.name,
    administeredOn: v.administeredOn,
    expiresOn: v.expiresOn,
    valid: v.expiresOn === null || v.expiresOn >= today,
    document: document ? toMediaView(document) : null,
  };
}

/** The API view of a pet; `viewerId` decides what only the primary owner sees. */
export function toPetView(pet: PetRow, details: PetDetails, viewerId: string, today: string): Pet {
  const isPrimaryOwner = pet.ownerId === viewerId;
  const mine = <T extends { petId: string }>(rows: T[]) => rows.filter((r) => r.petId === pet.id);
  return {
    id: pet.id,
    ownerId: pet.ownerId,
    name: pet.name,
    species: pet.species,
    breed: pet.breed,
    birthDate: pet.birthDate,
    birthDateEstimated: pet.birthDateEstimated,
    ageYears: ageYears(pet.birthDate, today),
    weightKg: pet.weightGrams === null ? null : pet.weightGrams / 1000,
    sex: pet.sex,
    neutered: pet.neutered,
    microchipId: pet.microchipId,
    temperament: pet.temperament,
    goodWithKids: pet.goodWithKids,
    goodWithPets: pet.goodWithPets,
    energyLevel: pet.energyLevel,
    feedingNotes: pet.feedingNotes,
    careNotes: pet.careNotes,
    emergencyContact: pet.emergencyContact
      ? { name: pet.emergencyContact.name, phone: pet.emergencyContact.phone, relation: pet.emergencyContact.relation ?? '' }
      : null,
    vet: pet.vet ? { name: pet.vet.name ?? '', clinic: pet.vet.clinic ?? '', phone: pet.vet.phone ?? '', address: pet.vet.address ?? '' } : null,
    allergies: pet.allergies,
    medications: pet.medications.map((m) => ({ name: m.name, dose: m.dose ?? '', schedule: m.schedule ?? '', notes: m.notes ?? '' })),
    specialNeeds: pet.specialNeeds,
    status: pet.status,
    photos: details.photos.filter((p) => p.petId === pet.id).map(toPhotoView),
    vaccinations: details.vaccinations.filter((v) => v.vaccination.petId === pet.id).map((v) => toVaccinationView(v.vaccination, v.document, today)),
    coOwners: mine(details.coOwners).map(({ userId, firstName, lastName, email }) => ({ userId, firstName, lastName, email })),
    ...(isPrimaryOwner
      ? { pendingInvitations: mine(details.invitations).map((i) => ({ id: i.id, email: i.email, expiresAt: i.expiresAt.toISOString() })) }
      : {}),
    isPrimaryOwner,
    createdAt: pet.createdAt.toISOString(),
    updatedAt: pet.updatedAt.toISOString(),
  };
}
