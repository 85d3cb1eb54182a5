import { describe, expect, it } from 'vitest';
import { passwordProblem, registerBodySchema, resetPasswordBodySchema } from '../src/index.js';

describe('passwordProblem', () => {
  it.each([
    ['short', 'tooshort', 'too_short'],
    ['the e-mail', 'Sam.Jones1@example.com', 'same_as_email'],
    ['the e-mail name', 'Sam.Jones.1', 'same_as_email'],
    ['common', 'iloveyou123', 'too_common'],
    ['decorated common', '!!Password2024', 'too_common'],
    ['repeated', 'zzzzzzzzzzzz', 'too_common'],
    ['a sequence', 'abcdefghijk', 'too_common'],
  ])('refuses %s', (_label, password, code) => {
    expect(passwordProblem(password, 'sam.jones1@example.com')?.code).toBe(code);
  });

  it.each(['correct horse battery staple', 'Walks-in-the-park-2026', 'my dog Biscuit loves rain'])('accepts %s', (password) => {
    expect(passwordProblem(password, 'sam.jones@example.com')).toBeNull();
  });
});

describe('registerBodySchema', () => {
  const valid = { email: ' Sam@Example.com ', password: 'correct horse battery staple', firstName: 'Sam', lastName: 'Jones' };
  it('trims the e-mail and defaults the role to pet owner', () => {
    expect(registerBodySchema.parse(valid)).toMatchObject({ email: 'Sam@Example.com', role: 'pet_owner' });
  });
  it('reports password problems on the password field', () => {
    const result = registerBodySchema.safeParse({ ...valid, password: 'sam@example.com' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['password']);
  });
  it('refuses roles that cannot be chosen at sign-up', () => {
    expect(registerBodySchema.safeParse({ ...valid, role: 'admin' }).success).toBe(false);
  });
  it('checks the new password of a reset', () => {
    expect(resetPasswordBodySchema.safeParse({ token: 'x'.repeat(43), password: 'password1' }).success).toBe(false);
    expect(resetPasswordBodySchema.safeParse({ token: 'x'.repeat(43), password: 'a long enough passphrase' }).success).toBe(true);
  });
});
