import type { User } from '@walkydoggy/shared';
import type { users } from '@walkydoggy/shared/db';

type UserRow = typeof users.$inferSelect;

/** Where a person's picture is served (the thumbnail: avatars are shown small). */
export const avatarUrlOf = (mediaId: string | null | undefined): string | null => (mediaId ? `/v1/media/${mediaId}/thumbnail` : null);

export function toUserView(user: UserRow, opts: { requireTwoFactorForBusiness: boolean }): User {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    phone: user.phone,
    avatarUrl: avatarUrlOf(user.avatarMediaId),
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    twoFactorEnabled: user.totpEnabledAt !== null,
    twoFactorSetupRequired: user.role === 'business' && opts.requireTwoFactorForBusiness && user.totpEnabledAt === null,
    createdAt: user.createdAt.toISOString(),
  };
}
