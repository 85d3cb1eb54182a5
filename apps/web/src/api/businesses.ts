/** Businesses (`/v1/businesses`), their services, and the admin's verification decision. */
import type { BusinessBookingSettings, BusinessOverview } from '@walkydoggy/shared';
import { api, queryString } from './client';
import type { Media } from './media';
import type { Species } from './pets';

export const SERVICE_TYPES = ['walking', 'boarding', 'daycare', 'grooming', 'training', 'sitting', 'drop_in'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];
export const PRICE_TYPES = ['per_hour', 'per_day', 'per_night', 'per_session', 'fixed'] as const;
export type PriceType = (typeof PRICE_TYPES)[number];
export const CANCELLATION_POLICIES = ['flexible', 'moderate', 'strict'] as const;
export type CancellationPolicy = (typeof CANCELLATION_POLICIES)[number];
export type VerificationStatus = 'pending' | 'verified' | 'suspended';

export type Polygon = { type: 'Polygon'; coordinates: [number, number][][] };
export type MultiPolygon = { type: 'MultiPolygon'; coordinates: [number, number][][][] };
export type OperatingHours = { day: number; open: string; close: string };

export type Service = {
  id: string;
  businessId: string;
  name: string;
  type: ServiceType;
  description: string | null;
  price: { amountMinor: number; currency: string };
  priceType: PriceType;
  additionalPetPriceMinor: number | null;
  durationMinutes: number | null;
  petTypes: Species[];
  maxPets: number;
  requiredVaccinations: string[];
  cancellationPolicy: CancellationPolicy;
  active: boolean;
  workerIds: string[];
};
export type ServiceInput = Omit<Service, 'id' | 'businessId' | 'active' | 'additionalPetPriceMinor'> & { active?: boolean; additionalPetPriceMinor?: number };

export type Business = {
  id: string;
  ownerId: string;
  name: string;
  description: string | null;
  type: 'individual' | 'company';
  logo: Media | null;
  cover: Media | null;
  photos: Media[];
  contact: { email: string | null; phone: string | null; website: string | null };
  address: { street: string | null; city: string | null; region: string | null; postalCode: string | null; country: string | null };
  location: { lat: number; lng: number };
  timeZone: string;
  serviceArea: Polygon | MultiPolygon | null;
  operatingHours: OperatingHours[];
  closedDates: string[];
  /** Only for the owner and admins. */
  bookingSettings?: BusinessBookingSettings;
  verificationStatus: VerificationStatus;
  active: boolean;
  rating: number | null;
  reviewCount: number;
  services: Service[];
  createdAt: string;
  updatedAt: string;
};

export type BusinessInput = Partial<
  Pick<Business, 'name' | 'description' | 'type' | 'contact' | 'address' | 'location' | 'timeZone' | 'serviceArea' | 'operatingHours' | 'closedDates'>
> & { logoMediaId?: string | null; coverMediaId?: string | null; bookingSettings?: Partial<BusinessBookingSettings> };

export const businessesApi = {
  list: (verificationStatus?: VerificationStatus, cursor?: string | null) => api.get<Business[]>(`/businesses${queryString({ verificationStatus, cursor })}`),
  get: (id: string) => api.get<Business>(`/businesses/${id}`),
  /** The business home: today, requests waiting, this week, workers online, payout set-up. */
  overview: (id: string) => api.get<BusinessOverview>(`/businesses/${id}/overview`),
  create: (body: BusinessInput) => api.post<Business>('/businesses', body),
  update: (id: string, body: BusinessInput) => api.put<Business>(`/businesses/${id}`, body),
  addPhoto: (id: string, mediaId: string) => api.post<Media>(`/businesses/${id}/photos`, { mediaId }),
  removePhoto: (id: string, photoId: string) => api.delete(`/businesses/${id}/photos/${photoId}`),
  setVerification: (id: string, status: VerificationStatus, note?: string) => api.put<Business>(`/admin/businesses/${id}/verification`, { status, note }),
};

export const servicesApi = {
  list: (businessId: string) => api.get<Service[]>(`/businesses/${businessId}/services`),
  get: (id: string) => api.get<Service>(`/services/${id}`),
  create: (businessId: string, body: ServiceInput) => api.post<Service>(`/businesses/${businessId}/services`, body),
  update: (id: string, body: Partial<ServiceInput>) => api.put<Service>(`/services/${id}`, body),
  remove: (id: string) => api.delete(`/services/${id}`),
};
