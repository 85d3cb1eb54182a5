/** Typed job map: every background job's name and payload, shared by whoever enqueues and whoever works it. */
export type MailTemplate =
  | { template: 'verify-email'; firstName: string; link: string }
  | { template: 'already-registered'; firstName: string; loginLink: string; resetLink: string }
  | { template: 'reset-password'; firstName: string; link: string }
  | { template: 'password-changed'; firstName: string }
  | { template: 'account-deleted'; firstName: string }
  | { template: 'admin-invite'; link: string }
  | { template: 'pet-co-owner-invite'; inviterName: string; petName: string; link: string }
  | { template: 'worker-invite'; businessName: string; inviterName: string; link: string };

export type JobMap = {
  'mail.send': { to: string } & MailTemplate;
  'user.erase': { userId: string };
};
export type JobName = keyof JobMap;
export const JOB_NAMES = ['mail.send', 'user.erase'] as const satisfies readonly JobName[];
