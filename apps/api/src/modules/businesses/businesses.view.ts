import type { Business, BusinessDocument, ServiceArea } from '@walkydoggy/shared';
import type { businessDocuments } from '@walkydoggy/shared/db';
import type { Executor } from '../../platform/db.js';
import { listServices } from '../services/services.queries.js';
import { serviceViews } from '../services/services.view.js';
import type { BusinessAccess } from './business-access.js';
import { documentsOf, photosOf, type BusinessRow } from './businesses.queries.js';
import { mediaViews } from '../media/media.view.js';

type DocumentRow = typeof businessDocuments.$inferSelect;

export function toDocumentView(row: DocumentRow, media: Map<string, Business['photos'][number]>, today: string): BusinessDocument {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    issuer: row.issuer,
    policyNumber: row.policyNumber,
    expiresOn: row.expiresOn,
    expired: row.expiresOn !== null && row.expiresOn < today,
    media: (row.mediaId && media.get(row.mediaId)) || null,
  };
}

/**
 * The contract's Business. Documents are shown to the owner and admins only, and the public sees
 * active services only.
 */
export async function toBusinessView(exec: Executor, row: BusinessRow, access: BusinessAccess, now: Date): Promise<Business> {
  const privileged = access !== 'public';
  const [photos, documents, services] = [
    await photosOf(exec, [row.id]),
    privileged ? await documentsOf(exec, row.id) : [],
    await listServices(exec, row.id, { activeOnly: !privileged }),
  ];
  const media = await mediaViews(exec, [row.logoMediaId, row.coverMediaId, ...photos.map((p) => p.mediaId), ...documents.map((d) => d.mediaId)]);
  const today = now.toISOString().slice(0, 10);
  return {
    id: row.id,
    ownerId: row.ownerId,
    name: row.name,
    description: row.description,
    type: row.type,
    logo: (row.logoMediaId && media.get(row.logoMediaId)) || null,
    cover: (row.coverMediaId && media.get(row.coverMediaId)) || null,
    photos: photos.flatMap((p) => media.get(p.mediaId) ?? []),
    contact: { email: row.contactEmail, phone: row.contactPhone, website: row.website },
    address: {
      street: row.address.street ?? null,
      city: row.address.city ?? null,
      region: row.address.region ?? null,
      postalCode: row.address.postalCode ?? null,
      country: row.address.country ?? null,
    },
    location: { lat: row.lat, lng: row.lng },
    timeZone: row.timeZone,
    serviceArea: row.serviceAreaJson ? (JSON.parse(row.serviceAreaJson) as ServiceArea) : null,
    operatingHours: row.operatingHours,
    closedDates: row.closedDates,
    ...(privileged
      ? {
          documents: documents.map((d) => toDocumentView(d, media, today)),
          bookingSettings: {
            travelBufferMinutes: row.travelBufferMinutes,
            dailyCapacity: row.dailyCapacity,
            bookingExpiryHours: row.bookingExpiryHours,
            startWindowMinutes: row.startWindowMinutes,
          },
        }
      : {}),
    verificationStatus: row.verificationStatus,
    active: row.active,
    rating: row.ratingAvg,
    reviewCount: row.reviewCount,
    services: await serviceViews(exec, services),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
