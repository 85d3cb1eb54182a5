import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptPetInvitationBodySchema,
  addPetPhotoBodySchema,
  createPetBodySchema,
  createVaccinationBodySchema,
  inviteCoOwnerBodySchema,
  listPetsQuerySchema,
  messageEnvelope,
  okEnvelope,
  pageEnvelope,
  petIdParamsSchema,
  petInvitationCreatedSchema,
  petPhotoSchema,
  petSchema,
  updatePetBodySchema,
  updateVaccinationBodySchema,
  vaccinationSchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { parseInput } from '../../platform/validation.js';
import { requestMeta } from '../auth/auth.routes.js';
import { createMediaService } from '../media/media.service.js';
import { receiveUpload, registerUploads } from '../media/media.upload.js';
import { createCoOwnersService } from './pets.co-owners.js';
import { createPetPhotosService } from './pets.photos.js';
import { createPetsService, createPetViews } from './pets.service.js';
import { createVaccinationsService } from './pets.vaccinations.js';

const id = (label: string) => z.uuid({ message: `Not a valid ${label} id.` });

export function petsModule(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    await registerUploads(app, p.config.uploadMaxBytes);
    const views = createPetViews(p);
    const media = createMediaService({ ...p, log: app.log });
    const pets = createPetsService({ ...p, views });
    const coOwners = createCoOwnersService({ ...p, views });
    const vaccinations = createVaccinationsService({ ...p, views, media });
    const photos = createPetPhotosService({ ...p, views, media });
    const tags = ['pets'];
    const security = [{ bearerAuth: [] }];
    // Pets belong to pet-owner accounts; businesses and workers see them through bookings (issue 4).
    const owner = { preHandler: [p.guard.authenticate, p.guard.requireRole('pet_owner')] };
    const ok = { success: true as const };

    app.get(
      '/pets',
      { ...owner, schema: { tags, operationId: 'listPets', security, querystring: listPetsQuerySchema, response: { 200: pageEnvelope(petSchema) } } },
      async (request) => {
        const page = await pets.list(request.actor, request.query);
        return { ...ok, data: page.data, meta: { limit: request.query.limit, nextCursor: page.nextCursor } };
      },
    );

    app.post(
      '/pets',
      { ...owner, schema: { tags, operationId: 'createPet', security, body: createPetBodySchema, response: { 201: okEnvelope(petSchema) } } },
      async (request, reply) => {
        reply.status(201);
        return { ...ok, data: await pets.create(request.actor, request.body, requestMeta(request)) };
      },
    );

    app.get(
      '/pets/:id',
      { ...owner, schema: { tags, operationId: 'getPet', security, params: petIdParamsSchema, response: { 200: okEnvelope(petSchema) } } },
      async (request) => ({ ...ok, data: await pets.get(request.actor, request.params.id) }),
    );

    app.put(
      '/pets/:id',
      {
        ...owner,
        schema: { tags, operationId: 'updatePet', security, params: petIdParamsSchema, body: updatePetBodySchema, response: { 200: okEnvelope(petSchema) } },
      },
      async (request) => ({ ...ok, data: await pets.update(request.actor, request.params.id, request.body, requestMeta(request)) }),
    );

    app.delete(
      '/pets/:id',
      { ...owner, schema: { tags, operationId: 'deletePet', security, params: petIdParamsSchema, response: { 200: messageEnvelope } } },
      async (request) => {
        await pets.remove(request.actor, request.params.id, requestMeta(request));
        return { ...ok, message: 'The pet was deleted.' };
      },
    );

    // ── co-owners ──
    app.post(
      '/pets/:id/co-owners',
      {
        preHandler: [p.guard.authenticate, p.guard.requireRole('pet_owner'), p.guard.requireVerifiedEmail],
        // Each invitation sends a mail to an address of the caller's choosing.
        config: { rateLimit: { max: Math.min(p.config.rateLimit.authMax, 20), timeWindow: '1 minute' } },
        schema: {
          tags,
          operationId: 'inviteCoOwner',
          security,
          params: petIdParamsSchema,
          body: inviteCoOwnerBodySchema,
          response: { 201: okEnvelope(petInvitationCreatedSchema) },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return { ...ok, data: await coOwners.invite(request.actor, request.params.id, request.body.email, requestMeta(request)) };
      },
    );

    app.delete(
      '/pets/:id/co-owners/:userId',
      {
        ...owner,
        schema: { tags, operationId: 'removeCoOwner', security, params: petIdParamsSchema.extend({ userId: id('user') }), response: { 200: messageEnvelope } },
      },
      async (request) => {
        await coOwners.remove(request.actor, request.params.id, request.params.userId, requestMeta(request));
        return { ...ok, message: 'The co-owner was removed.' };
      },
    );

    app.post(
      '/pet-invitations/accept',
      {
        ...owner,
        config: { rateLimit: { max: p.config.rateLimit.authMax, timeWindow: '1 minute' } },
        schema: { tags, operationId: 'acceptPetInvitation', security, body: acceptPetInvitationBodySchema, response: { 200: okEnvelope(petSchema) } },
      },
      async (request) => ({ ...ok, data: await coOwners.accept(request.actor, request.body.token, requestMeta(request)) }),
    );

    // ── vaccinations ──
    const vaccinationParams = petIdParamsSchema.extend({ vaccinationId: id('vaccination') });
    app.post(
      '/pets/:id/vaccinations',
      {
        ...owner,
        schema: {
          tags,
          operationId: 'addVaccination',
          security,
          params: petIdParamsSchema,
          body: createVaccinationBodySchema,
          response: { 201: okEnvelope(vaccinationSchema) },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return { ...ok, data: await vaccinations.add(request.actor, request.params.id, request.body) };
      },
    );
    app.put(
      '/pets/:id/vaccinations/:vaccinationId',
      {
        ...owner,
        schema: {
          tags,
          operationId: 'updateVaccination',
          security,
          params: vaccinationParams,
          body: updateVaccinationBodySchema,
          response: { 200: okEnvelope(vaccinationSchema) },
        },
      },
      async (request) => ({ ...ok, data: await vaccinations.update(request.actor, request.params.id, request.params.vaccinationId, request.body) }),
    );
    app.delete(
      '/pets/:id/vaccinations/:vaccinationId',
      { ...owner, schema: { tags, operationId: 'deleteVaccination', security, params: vaccinationParams, response: { 200: messageEnvelope } } },
      async (request) => {
        await vaccinations.remove(request.actor, request.params.id, request.params.vaccinationId);
        return { ...ok, message: 'The vaccination was deleted.' };
      },
    );

    // ── photos ──
    app.post(
      '/pets/:id/photos',
      {
        ...owner,
        schema: {
          tags,
          operationId: 'addPetPhoto',
          security,
          consumes: ['multipart/form-data', 'application/json'],
          description: 'Either multipart/form-data with the field `file`, or JSON `{mediaId}` of an uploaded pet_photo.',
          params: petIdParamsSchema,
          response: { 201: okEnvelope(petPhotoSchema) },
        },
      },
      async (request, reply) => {
        let photo;
        if (request.isMultipart()) {
          const upload = await receiveUpload(request, p.config.uploadMaxBytes);
          photo = await photos.addUpload(request.actor, request.params.id, upload.file);
        } else {
          // Two kinds of body, so the route reads this one itself, by the same rules as every other.
          const body = parseInput(addPetPhotoBodySchema, request.body ?? {}, 'body');
          photo = await photos.addExisting(request.actor, request.params.id, body.mediaId);
        }
        reply.status(201);
        return { ...ok, data: photo };
      },
    );
    app.delete(
      '/pets/:id/photos/:photoId',
      {
        ...owner,
        schema: {
          tags,
          operationId: 'deletePetPhoto',
          security,
          params: petIdParamsSchema.extend({ photoId: id('photo') }),
          response: { 200: messageEnvelope },
        },
      },
      async (request) => {
        await photos.remove(request.actor, request.params.id, request.params.photoId);
        return { ...ok, message: 'The photo was deleted.' };
      },
    );
  };
}
