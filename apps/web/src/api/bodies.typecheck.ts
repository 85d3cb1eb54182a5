/**
 * The API refuses a request body with a field its schema does not know (400, "Unknown field."), so
 * every body type this app sends must stay within the shared schema of its route. Checked here by the
 * type-checker (`npm run check`), deeply: a field the API does not take, at any depth, fails the build
 * and names its path. Type-only; nothing here is bundled.
 */
import type { z } from 'zod';
import type {
  acceptWorkerInvitationBodySchema,
  createBusinessBodySchema,
  createPetBodySchema,
  createServiceBodySchema,
  createVaccinationBodySchema,
  goOnlineSchema,
  platformSettingsPatchSchema,
  refundBodySchema,
  registerBodySchema,
  RegisterBody,
  RefundBody,
  PlatformSettings,
  updateBusinessBodySchema,
  updateMeBodySchema,
  updatePetBodySchema,
  updateServiceBodySchema,
  updateWorkerBodySchema,
} from '@walkydoggy/shared';
import type { PetInput, VaccinationInput } from './pets';
import type { BusinessInput, ServiceInput } from './businesses';
import type { AcceptWorkerInvitation, WorkerProfileInput } from './workers';
import type { ProfilePatch } from './users';
import type { LocationPoint } from '@walkydoggy/shared';

type KeysOf<S> = S extends unknown ? keyof S : never;
type ValueOf<S, K> = S extends unknown ? (K extends keyof S ? S[K] : never) : never;

/** Paths of `W` (what the app sends) that `S` (what the API takes) does not have; `never` when there are none. */
type ExtraPaths<W, S, P extends string = 'body'> = [W] extends [readonly (infer WI)[]]
  ? NonNullable<S> extends readonly (infer SI)[]
    ? ExtraPaths<NonNullable<WI>, SI, `${P}[]`>
    : never
  : [W] extends [Record<string, unknown>]
    ? {
        [K in keyof W & string]-?: K extends KeysOf<NonNullable<S>> ? ExtraPaths<NonNullable<W[K]>, ValueOf<NonNullable<S>, K>, `${P}.${K}`> : `${P}.${K}`;
      }[keyof W & string]
    : never;

/** Compiles only when `T` is `never`: an error here names the paths the API would refuse. */
type Within<T extends never> = T;
type In<S extends z.ZodType> = z.input<S>;

export type BodiesTheApiTakes = [
  Within<ExtraPaths<RegisterBody, In<typeof registerBodySchema>>>,
  Within<ExtraPaths<ProfilePatch, In<typeof updateMeBodySchema>>>,
  Within<ExtraPaths<Partial<PlatformSettings>, In<typeof platformSettingsPatchSchema>>>,
  Within<ExtraPaths<Partial<PetInput>, In<typeof createPetBodySchema>>>,
  Within<ExtraPaths<Partial<PetInput>, In<typeof updatePetBodySchema>>>,
  Within<ExtraPaths<VaccinationInput, In<typeof createVaccinationBodySchema>>>,
  Within<ExtraPaths<BusinessInput, In<typeof createBusinessBodySchema>>>,
  Within<ExtraPaths<BusinessInput, In<typeof updateBusinessBodySchema>>>,
  Within<ExtraPaths<ServiceInput, In<typeof createServiceBodySchema>>>,
  Within<ExtraPaths<Partial<ServiceInput>, In<typeof updateServiceBodySchema>>>,
  Within<ExtraPaths<WorkerProfileInput, In<typeof updateWorkerBodySchema>>>,
  Within<ExtraPaths<AcceptWorkerInvitation, In<typeof acceptWorkerInvitationBodySchema>>>,
  Within<ExtraPaths<RefundBody, In<typeof refundBodySchema>>>,
  Within<ExtraPaths<{ location?: LocationPoint }, In<typeof goOnlineSchema>>>,
];
