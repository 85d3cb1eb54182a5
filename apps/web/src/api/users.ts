/** The signed-in account (`/v1/users/me...`) and platform settings for admins. */
import type { PlatformSettings, Session, User } from '@walkydoggy/shared';
import { api } from './client';

export type ProfilePatch = { firstName?: string; lastName?: string; phone?: string | null };

export const usersApi = {
  me: () => api.get<User>('/users/me'),
  update: (patch: ProfilePatch) => api.put<User>('/users/me', patch),
  changePassword: (currentPassword: string, newPassword: string) => api.put<Session>('/users/me/password', { currentPassword, newPassword }),
  remove: (password: string) => api.delete('/users/me', { password }),
  exportData: () => api.get<unknown>('/users/me/export'),
};

export const adminApi = {
  settings: () => api.get<PlatformSettings>('/admin/settings'),
  updateSettings: (patch: Partial<PlatformSettings>) => api.put<PlatformSettings>('/admin/settings', patch),
};
