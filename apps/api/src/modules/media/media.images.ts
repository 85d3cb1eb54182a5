import sharp, { type Metadata } from 'sharp';

/** Images larger than this (in pixels, before decoding) are refused: a small file can decode to gigabytes. */
export const MAX_INPUT_PIXELS = 40_000_000;
export const MAX_IMAGE_EDGE = 2048;
export const THUMBNAIL_EDGE = 320;

export type SniffedType = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

/** The file type from its first bytes; the client's file name and content type are never trusted. */
export function sniff(bytes: Buffer): SniffedType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (bytes.length >= 5 && bytes.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

export type ProcessedImage = { body: Buffer; thumbnail: Buffer; mimeType: 'image/webp'; width: number; height: number };

export class ImageRejected extends Error {
  constructor(
    message: string,
    readonly reason: 'too_many_pixels' | 'unreadable',
  ) {
    super(message);
  }
}

/**
 * Decodes and re-encodes an image: applies the EXIF orientation, drops every metadata block (EXIF
 * with GPS, XMP, ICC comments) by not asking sharp to keep any, bounds the size and makes a thumbnail.
 * Re-encoding also means whatever else the upload carried (a script after the image data) is gone.
 */
export async function processImage(input: Buffer): Promise<ProcessedImage> {
  const open = () => sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', sequentialRead: true });
  let meta: Metadata;
  try {
    meta = await open().metadata();
  } catch (err) {
    throw rejection(err);
  }
  // Only the first frame of an animation is decoded, so its size is what counts.
  if (!meta.width || !meta.height) throw rejection(new Error('no dimensions'));
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw rejection(new Error('pixel limit'));
  try {
    const { data, info } = await open()
      .rotate()
      .resize({ width: MAX_IMAGE_EDGE, height: MAX_IMAGE_EDGE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(data)
      .resize({ width: THUMBNAIL_EDGE, height: THUMBNAIL_EDGE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { body: data, thumbnail, mimeType: 'image/webp', width: info.width, height: info.height };
  } catch (err) {
    throw rejection(err);
  }
}

function rejection(err: unknown): ImageRejected {
  if (/pixel limit/i.test((err as Error).message))
    return new ImageRejected(`The image is too large: at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels.`, 'too_many_pixels');
  return new ImageRejected('The file could not be read as an image.', 'unreadable');
}
