/** The signed-in account (`/v1/users/me...`) and platform settings for admins. */
import type { CreatePlaceBody, FavouriteBusiness, Place, PlatformSettings, Session, UpdatePlaceBody, User } from '@walkydoggy/shared';
import { api } from './client';
import { mediaForm } from './media';

export type ProfilePatch = { firstName?: string; lastName?: string; phone?: string | null };

export const usersApi = {
  me: () => api.get<User>('/users/me'),
  update: (patch: ProfilePatch) => api.put<User>('/users/me', patch),
  changePassword: (currentPassword: string, newPassword: string) => api.put<Session>('/users/me/password', { currentPassword, newPassword }),
  remove: (password: string) => api.delete('/users/me', { password }),
  exportData: () => api.get<unknown>('/users/me/export'),
  uploadAvatar: (file: Blob) => api.upload<User>('/users/me/avatar', mediaForm(file)),
  removeAvatar: () => api.delete<User>('/users/me/avatar'),
};

/** Saved places (`/v1/users/me/places`): at most 20, home first, so one call gets them all. */
export const placesApi = {
  list: () => api.get<Place[]>('/users/me/places'),
  create: (body: CreatePlaceBody) => api.post<Place>('/users/me/places', body),
  update: (id: string, body: UpdatePlaceBody) => api.patch<Place>(`/users/me/places/${id}`, body),
  remove: (id: string) => api.delete(`/users/me/places/${id}`),
};

export const adminApi = {
  settings: () => api.get<PlatformSettings>('/admin/settings'),
  updateSettings: (patch: Partial<PlatformSettings>) => api.put<PlatformSettings>('/admin/settings', patch),
};

/** A pet owner's favourite businesses (`/v1/users/me/favourites`, docs/api/catalog.md): at most 50, newest first. */
export const favouritesApi = {
  list: () => api.get<FavouriteBusiness[]>('/users/me/favourites'),
  add: (businessId: string) => api.put(`/users/me/favourites/${businessId}`),
  remove: (businessId: string) => api.delete(`/users/me/favourites/${businessId}`),
};
