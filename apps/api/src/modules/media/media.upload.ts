import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { AppError, ValidationFailed } from '../../platform/errors.js';

export type ReceivedUpload = { fields: Record<string, string>; file: Buffer };

/**
 * Registers the multipart parser in the calling plugin's scope. Limits are enforced while the
 * request streams in: the upload stops at `maxBytes`, not after the whole body was read.
 */
export async function registerUploads(app: FastifyInstance, maxBytes: number) {
  await app.register(fastifyMultipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 1024, parts: 8, headerPairs: 20 },
  });
}

export function tooLarge(maxBytes: number) {
  return new AppError(413, 'PAYLOAD_TOO_LARGE', `The file is too large: at most ${Math.floor(maxBytes / (1024 * 1024))} MB.`);
}

/** Reads the single file part named `file` and the text fields of a multipart request into memory. */
export async function receiveUpload(request: FastifyRequest, maxBytes: number): Promise<ReceivedUpload> {
  if (!request.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.');
  const fields: Record<string, string> = {};
  let file: Buffer | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file) {
          part.file.resume();
          throw ValidationFailed.field('body.file', 'Send exactly one file, in the field "file".');
        }
        file = await part.toBuffer();
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
    if (code === 'FST_FILES_LIMIT') throw ValidationFailed.field('body.file', 'Send exactly one file, in the field "file".');
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PROTO_VIOLATION')
      throw new ValidationFailed('The form has too many or invalid fields.');
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.');
    // Anything else the parser throws (no boundary, a body cut short, a malformed part) is the request's.
    throw new ValidationFailed('The upload is not valid multipart/form-data, or it was cut short.');
  }
  if (!file || file.length === 0) throw ValidationFailed.field('body.file', 'Choose a file to upload.');
  return { fields, file };
}
