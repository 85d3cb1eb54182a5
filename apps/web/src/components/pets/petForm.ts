/** The pet form's text-field state and its conversion to and from the API's shape. */
import type { Medication, Pet, PetInput } from '../../api/pets';

export type PetFormState = {
  name: string;
  species: string;
  breed: string;
  birthDate: string;
  birthDateEstimated: boolean;
  ageYears: string;
  weightKg: string;
  sex: string;
  neutered: boolean;
  microchipId: string;
  temperament: string;
  goodWithKids: string;
  goodWithPets: string;
  energyLevel: string;
  feedingNotes: string;
  careNotes: string;
  emergencyName: string;
  emergencyPhone: string;
  emergencyRelation: string;
  vetName: string;
  vetClinic: string;
  vetPhone: string;
  vetAddress: string;
  allergies: string;
  medications: Medication[];
  specialNeeds: string;
  status: string;
};

const yesNo = (value: boolean | null) => (value === null ? '' : value ? 'yes' : 'no');
const fromYesNo = (value: string) => (value === '' ? null : value === 'yes');
const text = (value: string) => (value.trim() ? value.trim() : null);

export function toFormState(pet?: Pet | null): PetFormState {
  return {
    name: pet?.name ?? '',
    species: pet?.species ?? 'dog',
    breed: pet?.breed ?? '',
    birthDate: pet?.birthDate ?? '',
    birthDateEstimated: pet?.birthDateEstimated ?? false,
    ageYears: '',
    weightKg: pet?.weightKg === null || pet?.weightKg === undefined ? '' : String(pet.weightKg),
    sex: pet?.sex ?? 'unknown',
    neutered: pet?.neutered ?? false,
    microchipId: pet?.microchipId ?? '',
    temperament: pet?.temperament ?? '',
    goodWithKids: yesNo(pet?.goodWithKids ?? null),
    goodWithPets: yesNo(pet?.goodWithPets ?? null),
    energyLevel: pet?.energyLevel ?? '',
    feedingNotes: pet?.feedingNotes ?? '',
    careNotes: pet?.careNotes ?? '',
    emergencyName: pet?.emergencyContact?.name ?? '',
    emergencyPhone: pet?.emergencyContact?.phone ?? '',
    emergencyRelation: pet?.emergencyContact?.relation ?? '',
    vetName: pet?.vet?.name ?? '',
    vetClinic: pet?.vet?.clinic ?? '',
    vetPhone: pet?.vet?.phone ?? '',
    vetAddress: pet?.vet?.address ?? '',
    allergies: (pet?.allergies ?? []).join(', '),
    medications: (pet?.medications ?? []).map((m) => ({ ...m })),
    specialNeeds: pet?.specialNeeds ?? '',
    status: pet?.status ?? 'active',
  };
}

/** Field errors keyed like the API's (`name`, `weightKg`), or the body to send. */
export function toPetInput(form: PetFormState): { errors: Record<string, string>; input: Partial<PetInput> } {
  const errors: Record<string, string> = {};
  if (!form.name.trim()) errors.name = 'Enter your pet’s name.';
  const weight = form.weightKg.trim() ? Number(form.weightKg.replace(',', '.')) : null;
  if (weight !== null && (!Number.isFinite(weight) || weight <= 0 || weight > 200)) errors.weightKg = 'Enter the weight in kilograms, like 12.5.';
  const age = form.ageYears.trim() ? Number(form.ageYears.replace(',', '.')) : null;
  if (age !== null && (!Number.isFinite(age) || age < 0 || age > 40)) errors.ageYears = 'Enter the age in years, like 3.';
  if (form.birthDate && form.birthDate > new Date().toISOString().slice(0, 10)) errors.birthDate = 'The birth date cannot be in the future.';
  const emergency = form.emergencyName.trim() || form.emergencyPhone.trim();
  const vet = form.vetName.trim() || form.vetClinic.trim() || form.vetPhone.trim();
  const input: Partial<PetInput> = {
    name: form.name.trim(),
    species: form.species as PetInput['species'],
    breed: text(form.breed),
    birthDate: form.birthDate || null,
    birthDateEstimated: form.birthDateEstimated,
    ...(!form.birthDate && age !== null ? { ageYears: age } : {}),
    weightKg: weight,
    sex: form.sex as PetInput['sex'],
    neutered: form.neutered,
    microchipId: text(form.microchipId),
    temperament: text(form.temperament),
    goodWithKids: fromYesNo(form.goodWithKids),
    goodWithPets: fromYesNo(form.goodWithPets),
    energyLevel: (form.energyLevel || null) as PetInput['energyLevel'],
    feedingNotes: text(form.feedingNotes),
    careNotes: text(form.careNotes),
    emergencyContact: emergency ? { name: form.emergencyName.trim(), phone: form.emergencyPhone.trim(), relation: form.emergencyRelation.trim() } : null,
    vet: vet ? { name: form.vetName.trim(), clinic: form.vetClinic.trim(), phone: form.vetPhone.trim(), address: form.vetAddress.trim() } : null,
    allergies: form.allergies
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    medications: form.medications.filter((m) => m.name.trim()),
    specialNeeds: text(form.specialNeeds),
    status: form.status as PetInput['status'],
  };
  return { errors, input };
}
