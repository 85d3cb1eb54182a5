import { z } from 'zod';

/** What an upload is for; decides which file types are accepted and who may see it. */
export const MEDIA_PURPOSES = [
  'pet_photo',
  'vaccination_document',
  'business_logo',
  'business_cover',
  'business_photo',
  'business_document',
  'worker_photo',
  'avatar',
  'booking_photo',
] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];

/** Purposes whose upload must be a PDF; every other purpose takes a JPEG, PNG or WebP image. */
export const DOCUMENT_PURPOSES = ['vaccination_document', 'business_document'] as const satisfies readonly MediaPurpose[];
/** Images anyone may load once a business or worker profile uses them. */
export const PUBLIC_MEDIA_PURPOSES = ['business_logo', 'business_cover', 'business_photo', 'worker_photo', 'avatar'] as const satisfies readonly MediaPurpose[];

export const mediaPurposeSchema = z.enum(MEDIA_PURPOSES, { message: `Choose one of: ${MEDIA_PURPOSES.join(', ')}.` });

/** The non-file fields of `POST /v1/media` (multipart). */
export const mediaUploadFieldsSchema = z.object({ purpose: mediaPurposeSchema });

export const mediaSchema = z.object({
  id: z.uuid(),
  purpose: z.enum(MEDIA_PURPOSES),
  kind: z.enum(['image', 'document']),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** `/v1/media/<id>/file`; private files need the access token (header, or `?access_token=` in `<img src>`). */
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
  createdAt: z.string(),
});
export type Media = z.infer<typeof mediaSchema>;

export const mediaIdParamsSchema = z.object({ id: z.uuid({ message: 'Not a valid id.' }) });
