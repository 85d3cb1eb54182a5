/** Uploaded files (`/v1/media`): photos, logos and PDF documents. */
import type { Media, MediaPurpose } from '@walkydoggy/shared';
import { api } from './client';

// The purposes and the Media shape are the API's own (packages/shared).
export { MEDIA_PURPOSES, type Media, type MediaPurpose } from '@walkydoggy/shared';

/** Largest upload the API accepts by default (`UPLOAD_MAX_BYTES`); checked here too so people learn it before waiting. */
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
export const IMAGE_TYPES = 'image/jpeg,image/png,image/webp';

export function mediaForm(file: Blob, purpose?: MediaPurpose, filename = 'upload'): FormData {
  const form = new FormData();
  // Fields before the file, so a streaming parser knows the purpose when the bytes arrive.
  if (purpose) form.append('purpose', purpose);
  form.append('file', file, file instanceof File ? file.name : filename);
  return form;
}

export const mediaApi = {
  upload: (file: Blob, purpose: MediaPurpose) => api.upload<Media>('/media', mediaForm(file, purpose)),
  remove: (id: string) => api.delete(`/media/${id}`),
};

/**
 * `<img src>` cannot send an Authorization header, so private files (pet photos, documents) carry the
 * short-lived access token in the query, as the API allows. Public images are left as they are.
 */
export function mediaSrc(url: string | null | undefined, accessToken: string | null): string | undefined {
  if (!url) return undefined;
  if (!accessToken) return url;
  return `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(accessToken)}`;
}
