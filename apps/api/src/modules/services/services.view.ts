import type { Service } from '@walkydoggy/shared';
import type { Executor } from '../../platform/db.js';
import { workerIdsOf, type ServiceRow } from './services.queries.js';

export function toServiceView(row: ServiceRow, workerIds: string[]): Service {
  return {
    id: row.id,
    businessId: row.businessId,
    name: row.name,
    type: row.type,
    description: row.description,
    price: { amountMinor: row.priceMinor, currency: row.currency },
    priceType: row.priceType,
    additionalPetPriceMinor: row.additionalPetPriceMinor,
    durationMinutes: row.durationMinutes,
    petTypes: row.petTypes,
    maxPets: row.maxPets,
    requiredVaccinations: row.requiredVaccinations,
    cancellationPolicy: row.cancellationPolicy,
    active: row.active,
    workerIds,
  };
}

export async function serviceViews(exec: Executor, rows: ServiceRow[]): Promise<Service[]> {
  const workerIds = await workerIdsOf(
    exec,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toServiceView(r, workerIds.get(r.id) ?? []));
}
