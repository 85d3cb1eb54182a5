/** Workers of a business, their invitations, profiles and availability. */
import { api } from './client';
import type { Session } from '@walkydoggy/shared';
import type { Media } from './media';

export type WeeklyWindow = { day: number; start: string; end: string };
export type TimeOff = { id?: string; startsAt: string; endsAt: string; reason: string | null };
export type Certification = { name: string; issuer: string; expiresOn: string | null };

export type Worker = {
  id: string;
  userId: string;
  businessId: string;
  businessName: string;
  firstName: string;
  lastName: string;
  bio: string | null;
  experienceYears: number | null;
  specializations: string[];
  certifications: Certification[];
  photo: Media | null;
  weeklyAvailability: WeeklyWindow[];
  timeOff?: TimeOff[];
  status: 'active' | 'removed';
  serviceIds: string[];
};

export type WorkerInvitation = { id: string; email: string; expiresAt: string };
export type InvitationCreated = { invitationId: string; email: string; expiresAt: string };
export type WorkerInvitationInfo = { businessName: string; email: string; accountExists: boolean; expiresAt: string };
export type WorkerProfileInput = Partial<Pick<Worker, 'bio' | 'experienceYears' | 'specializations' | 'certifications'>> & { photoMediaId?: string | null };
export type AcceptWorkerInvitation = { token: string; firstName?: string; lastName?: string; password?: string };

export const workersApi = {
  list: (businessId: string) => api.get<Worker[]>(`/businesses/${businessId}/workers`),
  invitations: (businessId: string) => api.get<WorkerInvitation[]>(`/businesses/${businessId}/worker-invitations`),
  invite: (businessId: string, email: string) => api.post<InvitationCreated>(`/businesses/${businessId}/workers`, { email }),
  revokeInvitation: (businessId: string, invitationId: string) => api.delete(`/businesses/${businessId}/worker-invitations/${invitationId}`),
  remove: (businessId: string, workerId: string) => api.delete(`/businesses/${businessId}/workers/${workerId}`),
  mine: () => api.get<Worker>('/workers/me'),
  get: (id: string) => api.get<Worker>(`/workers/${id}`),
  update: (id: string, body: WorkerProfileInput) => api.put<Worker>(`/workers/${id}`, body),
  setAvailability: (id: string, weeklyAvailability: WeeklyWindow[], timeOff: TimeOff[]) =>
    api.put<Worker>(`/workers/${id}/availability`, {
      weeklyAvailability,
      timeOff: timeOff.map(({ startsAt, endsAt, reason }) => ({ startsAt, endsAt, reason })),
    }),
  invitation: (token: string) => api.get<WorkerInvitationInfo>(`/worker-invitations/${encodeURIComponent(token)}`, { auth: false }),
  /** Without an account the invitation creates one and the answer is a session, as after sign-in. */
  accept: (body: AcceptWorkerInvitation) => api.post<Session>('/worker-invitations/accept', body),
};
