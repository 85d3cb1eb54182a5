import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, passwordProblem } from './password.js';
import { ROLES, SELF_SERVICE_ROLES } from './roles.js';

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid e-mail address.' }));
const name = (label: string) => z.string().trim().min(1, `${label} is required.`).max(80);
export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{6,20}$/, 'Enter a phone number with digits, spaces or dashes, optionally starting with +.');
const optionalPhone = z.union([phoneSchema, z.literal('').transform(() => null), z.null()]).optional();
/** Presence only; strength is checked by `withPasswordRules` where the e-mail is known. */
const passwordField = z.string().min(1, 'Password is required.').max(PASSWORD_MAX_LENGTH);

function withPasswordRules<T extends z.ZodType<{ password: string; email?: string }>>(schema: T) {
  return schema.superRefine((v, ctx) => {
    const problem = passwordProblem(v.password, v.email);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem.message, params: { reason: problem.code } });
  });
}

export const registerBodySchema = withPasswordRules(
  z.object({
    email: emailSchema,
    password: passwordField,
    firstName: name('First name'),
    lastName: name('Last name'),
    phone: optionalPhone,
    role: z.enum(SELF_SERVICE_ROLES).default('pet_owner'),
  }),
);
export type RegisterBody = z.input<typeof registerBodySchema>;

export const loginBodySchema = z.object({ email: emailSchema, password: passwordField });
export type LoginBody = z.infer<typeof loginBodySchema>;

export const totpCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.');
export const recoveryCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$/, 'Enter a recovery code like ABCDE-12345.');

export const loginTwoFactorBodySchema = z
  .object({ challengeToken: z.string().min(10).max(2000), code: totpCodeSchema.optional(), recoveryCode: recoveryCodeSchema.optional() })
  .refine((v) => Boolean(v.code) !== Boolean(v.recoveryCode), { message: 'Give either a code or a recovery code.', path: ['code'] });
export type LoginTwoFactorBody = z.infer<typeof loginTwoFactorBodySchema>;

export const tokenBodySchema = z.object({ token: z.string().trim().min(20, 'The link is incomplete.').max(200) });
export const emailBodySchema = z.object({ email: emailSchema });

export const resetPasswordBodySchema = z
  .object({ token: z.string().trim().min(20, 'The link is incomplete.').max(200), password: passwordField })
  .superRefine((v, ctx) => {
    const problem = passwordProblem(v.password);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem.message });
  });

export const changePasswordBodySchema = z.object({ currentPassword: passwordField, newPassword: passwordField });

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  phone: z.string().nullable(),
  /** `/v1/media/<id>/thumbnail` of the person's picture, or null (show initials). */
  avatarUrl: z.string().nullable(),
  role: z.enum(ROLES),
  emailVerified: z.boolean(),
  twoFactorEnabled: z.boolean(),
  /** True when a platform setting requires this account to turn on 2FA before doing anything else. */
  twoFactorSetupRequired: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const sessionSchema = z.object({ accessToken: z.string(), expiresIn: z.number().int(), user: userSchema });
export type Session = z.infer<typeof sessionSchema>;

export const loginResultSchema = z.union([
  sessionSchema.extend({ twoFactorRequired: z.literal(false) }),
  z.object({ twoFactorRequired: z.literal(true), challengeToken: z.string() }),
]);
export type LoginResult = z.infer<typeof loginResultSchema>;

export const updateMeBodySchema = z
  .object({ firstName: name('First name'), lastName: name('Last name'), phone: optionalPhone })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change.' });

export const deleteMeBodySchema = z.object({ password: passwordField });

export const twoFactorSetupSchema = z.object({ secret: z.string(), otpauthUrl: z.string() });
export const twoFactorEnableBodySchema = z.object({ code: totpCodeSchema });
export const twoFactorDisableBodySchema = z.object({ password: passwordField, code: totpCodeSchema.optional(), recoveryCode: recoveryCodeSchema.optional() });
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });

/**
 * Access-token claims. `sv` is the session version: bumping it revokes every access token of the user at
 * once. `sid` is the session: the refresh-token family the token was issued with; revoking the family
 * (sign-out, reuse of a refresh token, a password change) ends the token at once.
 */
export const accessClaimsSchema = z.object({ sub: z.uuid(), role: z.enum(ROLES), ev: z.boolean(), sv: z.number().int(), sid: z.uuid() });
export type AccessClaims = z.infer<typeof accessClaimsSchema>;

// In a file of its own, so the web app's first download does not pull in this file's schemas (and Zod).
export { SESSION_HINT_COOKIE } from './session-hint.js';
