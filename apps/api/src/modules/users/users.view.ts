import type { User } from '@walkydoggy/shared';
import type { users } from '@walkydoggy/shared/db';

type UserRow = typeof users.$inferSelect;

export function toUserView(user: UserRow, opts: { requireTwoFactorForBusiness: boolean }): User {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    phone: user.phone,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    twoFactorEnabled: user.totpEnabledAt !== null,
    twoFactorSetupRequired: user.role === 'business' && opts.requireTwoFactorForBusiness && user.totpEnabledAt === null,
    createdAt: user.createdAt.toISOString(),
  };
}
