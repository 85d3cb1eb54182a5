export const ROLES = ['pet_owner', 'business', 'worker', 'admin', 'support'] as const;
export type Role = (typeof ROLES)[number];

/** Roles a person can choose when signing up; the others are granted. */
export const SELF_SERVICE_ROLES = ['pet_owner', 'business'] as const satisfies readonly Role[];
export type SelfServiceRole = (typeof SELF_SERVICE_ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  pet_owner: 'Pet owner',
  business: 'Business',
  worker: 'Worker',
  admin: 'Admin',
  support: 'Support',
};
