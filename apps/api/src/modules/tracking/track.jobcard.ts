import { sql } from 'drizzle-orm';
import { PHONE_VISIBLE_STATUSES, type JobCard, type JobCardPet } from '@walkydoggy/shared';
import { bookingPets, pets, users } from '@walkydoggy/shared/db';
import type { Executor } from '../../platform/db.js';
import { rowsOf } from '../../platform/db.js';
import { Forbidden } from '../../platform/errors.js';
import { walkBooking, type Viewer } from './track.access.js';

/*
 * The worker's job card: read by the assigned worker, or the business owner (who plans the day).
 * The owner's phone is in it only while the job is confirmed or in progress: before, the job may
 * still not happen; after, the worker has no reason to call.
 */

type PetRow = {
  id: string;
  name: string;
  species: string;
  breed: string | null;
  allergies: string[];
  medications: { name: string; dose?: string | null; schedule?: string | null; notes?: string | null }[];
  temperament: string | null;
  good_with_kids: boolean | null;
  good_with_pets: boolean | null;
  feeding_notes: string | null;
  care_notes: string | null;
  special_needs: string | null;
  vet: { name?: string | null; clinic?: string | null; phone?: string | null; address?: string | null } | null;
  emergency_contact: { name: string; phone: string; relation?: string | null } | null;
};

function petView(r: PetRow): JobCardPet {
  return {
    id: r.id,
    name: r.name,
    species: r.species,
    breed: r.breed,
    allergies: r.allergies ?? [],
    medications: (r.medications ?? []).map((m) => ({ name: m.name, dose: m.dose ?? '', schedule: m.schedule ?? '', notes: m.notes ?? '' })),
    temperament: r.temperament,
    goodWithKids: r.good_with_kids,
    goodWithPets: r.good_with_pets,
    feedingNotes: r.feeding_notes,
    careNotes: r.care_notes,
    specialNeeds: r.special_needs,
    vet: r.vet ? { name: r.vet.name ?? '', clinic: r.vet.clinic ?? '', phone: r.vet.phone ?? '', address: r.vet.address ?? '' } : null,
    emergencyContact: r.emergency_contact
      ? { name: r.emergency_contact.name, phone: r.emergency_contact.phone, relation: r.emergency_contact.relation ?? '' }
      : null,
  };
}

export async function jobCard(exec: Executor, viewer: Viewer, id: string): Promise<JobCard> {
  const { row, rel } = await walkBooking(exec, viewer, id);
  if (!rel.worker && !rel.business) throw new Forbidden('Only the worker of this job and its business see the job card.');
  const petRows = rowsOf<PetRow>(
    await exec.execute(sql`
      select p.id, p.name, p.species, p.breed, p.allergies, p.medications, p.temperament, p.good_with_kids, p.good_with_pets,
        p.feeding_notes, p.care_notes, p.special_needs, p.vet, p.emergency_contact
      from ${bookingPets} bp join ${pets} p on p.id = bp.pet_id
      where bp.booking_id = ${id} and p.deleted_at is null
      order by p.name, p.id`),
  );
  const phoneVisible = (PHONE_VISIBLE_STATUSES as readonly string[]).includes(row.status);
  const [owner] = phoneVisible ? rowsOf<{ phone: string | null }>(await exec.execute(sql`select phone from ${users} where id = ${row.ownerId}`)) : [];
  return {
    bookingId: row.id,
    status: row.status,
    location: {
      kind: row.locationKind,
      lat: row.lat === null ? null : Number(row.lat),
      lng: row.lng === null ? null : Number(row.lng),
      address: row.address ?? null,
    },
    notes: row.notes,
    specialInstructions: row.specialInstructions,
    owner: { name: `${row.ownerFirstName} ${row.ownerLastName}`.trim(), phone: owner?.phone ?? null },
    pets: petRows.map(petView),
  };
}
