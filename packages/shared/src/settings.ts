import { z } from 'zod';

/** Platform settings that admins change at run time (stored in the `platform_settings` table). */
export const platformSettingsSchema = z.object({
  requireTwoFactorForBusiness: z.boolean().default(false),
});
export type PlatformSettings = z.infer<typeof platformSettingsSchema>;
export const platformSettingsPatchSchema = z
  .object({ requireTwoFactorForBusiness: z.boolean() })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'Nothing to change.' });
