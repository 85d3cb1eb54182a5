/**
 * Password rules shared by the API (authoritative) and the web forms (early feedback).
 * Length beats composition rules (NIST SP 800-63B): at least 10 characters, not the e-mail, not a
 * well-known password or an obvious variation of one.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

// The most common passwords of ≥ 8 characters in public breach corpora, lower-cased. A variation
// check below also catches "Password123!" style suffixes on these stems.
const COMMON = [
  'password',
  'password1',
  'password12',
  'password123',
  'password1234',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  '12345678',
  '123456789',
  '1234567890',
  '0123456789',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'qwertyuiop',
  'qwerty123',
  'qwerty1234',
  'qwertyuiop123',
  'asdfghjkl',
  'asdfghjkl1',
  'zxcvbnm123',
  'iloveyou',
  'iloveyou1',
  'sunshine',
  'sunshine1',
  'princess',
  'princess1',
  'football',
  'football1',
  'baseball',
  'welcome',
  'welcome1',
  'welcome123',
  'letmein',
  'letmein123',
  'trustno1',
  'dragon',
  'monkey',
  'superman',
  'starwars',
  'whatever',
  'computer',
  'michelle',
  'jennifer',
  'abc123456',
  'abcd1234',
  'aa123456',
  'changeme',
  'changeme123',
  'administrator',
  'admin123',
  'admin1234',
  'doggy',
  'walkydoggy',
  'puppy',
  'puppylove',
  'mydog',
  'doglover',
  'ilovemydog',
  'charlie',
  'qazwsxedc',
  '11111111',
  '1111111111',
  '00000000',
  '0000000000',
  '987654321',
  '9876543210',
  'secret',
  'master',
  'shadow',
  'freedom',
  'hello123',
  'loveme',
  'killer',
  'pokemon',
  'summer',
  'winter',
  'spring',
  'autumn',
  'january',
  'september',
  'december',
];
const COMMON_SET = new Set(COMMON);
/** Stems that, with digits or symbols added around them, still make a guessable password. */
const COMMON_STEMS = ['password', 'passw0rd', 'p@ssw0rd', 'qwerty', 'letmein', 'welcome', 'iloveyou', 'admin', 'walkydoggy', 'changeme'];

export type PasswordProblem = { code: 'too_short' | 'too_long' | 'same_as_email' | 'too_common'; message: string };

export function passwordProblem(password: string, email?: string | null): PasswordProblem | null {
  if (password.length < PASSWORD_MIN_LENGTH) return { code: 'too_short', message: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  if (password.length > PASSWORD_MAX_LENGTH) return { code: 'too_long', message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  const lower = password.toLowerCase();
  if (email) {
    const mail = email.trim().toLowerCase();
    const local = mail.split('@')[0] ?? '';
    if (lower === mail || lower.includes(mail) || (local.length >= 4 && lower.replace(/[^a-z0-9]/g, '') === local.replace(/[^a-z0-9]/g, '')))
      return { code: 'same_as_email', message: 'The password must not be your e-mail address.' };
  }
  const core = lower.replace(/[^a-z0-9@]/g, '');
  const stripped = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
  if (COMMON_SET.has(lower) || COMMON_SET.has(core) || COMMON_STEMS.includes(stripped) || /^(.)\1+$/.test(lower) || isSequence(lower))
    return { code: 'too_common', message: 'This password is too common. Choose something less guessable, like a few random words.' };
  return null;
}

function isSequence(s: string): boolean {
  if (s.length < 6) return false;
  const step = s.charCodeAt(1) - s.charCodeAt(0);
  if (Math.abs(step) !== 1) return false;
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) !== step) return false;
  return true;
}
