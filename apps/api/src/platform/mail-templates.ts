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
    case 'booking-requested':
      return make(
        `New booking request ${mail.number}: ${mail.serviceName}`,
        [
          `${mail.ownerName} asked ${mail.businessName} for ${mail.serviceName} on ${mail.when}.`,
          'Please confirm or decline it soon: a request that gets no answer expires on its own.',
        ],
        { label: 'Answer the request', href: mail.link },
      );
    case 'booking-confirmed':
      return make(
        `Booking ${mail.number} confirmed: ${mail.serviceName}`,
        [
          `Hi ${mail.firstName},`,
          `${mail.businessName} confirmed your booking of ${mail.serviceName} on ${mail.when}.`,
          'The attached calendar file adds it to your calendar.',
        ],
        { label: 'View the booking', href: mail.link },
      );
    case 'booking-declined':
      return make(
        `Booking ${mail.number} declined`,
        [
          `Hi ${mail.firstName},`,
          `${mail.businessName} cannot take your booking of ${mail.serviceName} on ${mail.when}.`,
          ...(mail.reason ? [`Their reason: ${mail.reason}`] : []),
          'Nothing is charged: the payment authorisation, if any, is released.',
        ],
        { label: 'View the booking', href: mail.link },
      );
    case 'booking-expired':
      return make(
        `Booking request ${mail.number} expired`,
        [
          `Hi ${mail.firstName},`,
          `${mail.businessName} did not answer your request for ${mail.serviceName} on ${mail.when} in time, so it expired.`,
          'Nothing is charged: the payment authorisation, if any, is released. You are welcome to book another time or another business.',
        ],
        { label: 'View the booking', href: mail.link },
      );
    case 'booking-cancelled':
      return make(
        `Booking ${mail.number} cancelled`,
        [
          `Hi ${mail.firstName},`,
          `${mail.cancelledBy} cancelled the booking of ${mail.serviceName} on ${mail.when}.`,
          `Reason: ${mail.reason}`,
          mail.refund === null ? 'Nothing was charged for this booking.' : `Refund: ${mail.refund}.`,
        ],
        { label: 'View the booking', href: mail.link },
      );
    case 'booking-completed':
      return make(
        `${mail.serviceName} done: booking ${mail.number}`,
        [
          `Hi ${mail.firstName},`,
          `${mail.businessName} completed ${mail.serviceName}.`,
          ...(mail.notes ? [`Their notes: ${mail.notes}`] : []),
          'How did it go? You can leave a review or a tip from the booking.',
        ],
        { label: 'View the booking', href: mail.link },
      );
    case 'payment-receipt':
      return make(
        `Receipt for booking ${mail.number}`,
        [
          `Hi ${mail.firstName},`,
          `Thank you for your payment to ${mail.businessName}.`,
          ...mail.lines.map((line) => `${line.label}: ${line.amount}`),
          `Total paid: ${mail.total}`,
        ],
        { label: 'Download the invoice', href: mail.invoiceLink },
      );
    case 'refund-issued':
      return make(
        `Refund for booking ${mail.number}`,
        [
          `Hi ${mail.firstName},`,
          `We refunded ${mail.amount} to your payment method for booking ${mail.number}. Depending on your bank it can take a few days to appear.`,
        ],
        { label: 'View the booking', href: mail.link },
      );
    case 'notification':
      return make(mail.title, [`Hi ${mail.firstName},`, mail.message], mail.link ? { label: 'Open WalkyDoggy', href: mail.link } : undefined);
    case 'walk-report':
      return make(
        `${mail.petNames}'s walk report (${mail.number})`,
        [
          `Hi ${mail.firstName},`,
          `${mail.workerName} walked ${mail.petNames}: ${mail.distance} in ${mail.duration}.`,
          ...(mail.events.length ? [`During the walk: ${mail.events.join(', ')}.`] : []),
          ...(mail.notes ? [`Notes from ${mail.workerName}: ${mail.notes}`] : []),
        ],
        { label: 'See the route and photos', href: mail.link },
      );
  }
}
