import { z } from 'zod';

/** A platform fee in basis points (1/100 of a percent): 1500 = 15 %. */
const feeBps = z.number().int().min(0).max(5000);

/** Platform settings that admins change at run time (stored in the `platform_settings` table). */
export const platformSettingsSchema = z.object({
  requireTwoFactorForBusiness: z.boolean().default(false),
  /** Platform fee on a booking's price for standard businesses. */
  platformFeeBpsStandard: feeBps.default(1500),
  /** Platform fee for premium businesses. Tips carry no fee. */
  platformFeeBpsPremium: feeBps.default(1000),
});
export type PlatformSettings = z.infer<typeof platformSettingsSchema>;
export const platformSettingsPatchSchema = z
  .object({ requireTwoFactorForBusiness: z.boolean(), platformFeeBpsStandard: feeBps, platformFeeBpsPremium: feeBps })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Nothing to change.' });
