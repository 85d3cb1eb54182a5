import { hash, verify } from '@node-rs/argon2';

export type PasswordHasher = { hash(plain: string): Promise<string>; verify(hashed: string | null, plain: string): Promise<boolean> };

/** argon2id (the library's default algorithm). */
export function createPasswordHasher(opts: { memoryCost: number; timeCost: number }): PasswordHasher {
  const params = { memoryCost: opts.memoryCost, timeCost: opts.timeCost, parallelism: 1 };
  // Verifying against a real hash when there is no account keeps the timing of "unknown e-mail" and
  // "wrong password" alike.
  const decoy = hash('decoy password that matches nothing', params);
  return {
    hash: (plain) => hash(plain, params),
    async verify(hashed, plain) {
      try {
        const ok = await verify(hashed ?? (await decoy), plain);
        return hashed ? ok : false;
      } catch {
        return false;
      }
    },
  };
}
