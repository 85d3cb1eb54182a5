import type { MailTemplate } from '@walkydoggy/shared';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function layout(paragraphs: string[], action?: { label: string; href: string }) {
  const body = paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n');
  const button = action
    ? `<p><a href="${esc(action.href)}" style="display:inline-block;padding:10px 18px;background:#2f6f4f;color:#fff;border-radius:6px;text-decoration:none">${esc(action.label)}</a></p>\n<p style="font-size:12px;color:#555">Or paste this address into your browser: ${esc(action.href)}</p>`
    : '';
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1d2b24">${body}\n${button}\n<p style="font-size:12px;color:#555">— WalkyDoggy</p></body></html>`;
}

function text(paragraphs: string[], action?: { label: string; href: string }) {
  return [...paragraphs, ...(action ? [`${action.label}: ${action.href}`] : []), '— WalkyDoggy'].join('\n\n');
}

/** Subject, plain text and HTML for each mail template. */
export function renderMail(mail: MailTemplate): { subject: string; text: string; html: string } {
  const make = (subject: string, paragraphs: string[], action?: { label: string; href: string }) => ({
    subject,
    text: text(paragraphs, action),
    html: layout(paragraphs, action),
  });
  switch (mail.template) {
    case 'verify-email':
      return make(
        'Confirm your e-mail address',
        [`Hi ${mail.firstName},`, 'Welcome to WalkyDoggy! Please confirm your e-mail address. The link works once and expires in 24 hours.'],
        { label: 'Confirm e-mail address', href: mail.link },
      );
    case 'already-registered':
      return make('Someone tried to sign up with your e-mail address', [
        `Hi ${mail.firstName},`,
        'Someone (maybe you) tried to create a WalkyDoggy account with this e-mail address, but you already have one.',
        `Sign in: ${mail.loginLink}`,
        `Forgot your password? Reset it: ${mail.resetLink}`,
        'If this was not you, you can ignore this message.',
      ]);
    case 'reset-password':
      return make(
        'Reset your WalkyDoggy password',
        [
          `Hi ${mail.firstName},`,
          'We received a request to reset your password. The link works once and expires in 1 hour. If you did not ask for it, ignore this message.',
        ],
        { label: 'Choose a new password', href: mail.link },
      );
    case 'password-changed':
      return make('Your password was changed', [
        `Hi ${mail.firstName},`,
        'The password of your WalkyDoggy account was just changed and every device was signed out. If this was not you, reset your password at once and contact support.',
      ]);
    case 'account-deleted':
      return make('Your WalkyDoggy account was deleted', [
        `Hi ${mail.firstName},`,
        'Your account has been deleted and your personal data is being erased. Thank you for having been with us.',
      ]);
    case 'pet-co-owner-invite':
      return make(
        `${mail.inviterName} invited you to care for ${mail.petName}`,
        [
          `${mail.inviterName} would like to share ${mail.petName}'s profile with you on WalkyDoggy, so that you can see it and book care for ${mail.petName} too.`,
          'Accept with the link below (create an account with this e-mail address first if you have none). It expires in 7 days.',
        ],
        { label: 'Accept the invitation', href: mail.link },
      );
    case 'worker-invite':
      return make(
        `${mail.businessName} invited you to join their team`,
        [
          `${mail.inviterName} invited you to join ${mail.businessName} on WalkyDoggy as a pet-care worker.`,
          'Accept with the link below: you can create your worker account there, or join with the account you already have. It expires in 7 days.',
        ],
        { label: 'Join the team', href: mail.link },
      );
    case 'admin-invite':
      return make(
        'You are now a WalkyDoggy administrator',
        ['An administrator account was created for this address. Choose its password with the link below; it works once and expires in 24 hours.'],
        {
          label: 'Choose your password',
          href: mail.link,
        },
      );
  }
}
