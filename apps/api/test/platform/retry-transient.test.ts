import { describe, expect, it } from 'vitest';
import { retryTransient, sqlStateOf } from '../../src/platform/db.js';

/** An error as Drizzle raises it: its own wrapper, with the driver's error (and SQLSTATE) as the cause. */
const dbError = (code: string) => Object.assign(new Error('Failed query'), { cause: Object.assign(new Error(code), { code }) });

describe('retryTransient', () => {
  it('runs a transaction again after a deadlock or a serialization failure', async () => {
    const failures = [dbError('40P01'), dbError('40001')];
    let runs = 0;
    const result = await retryTransient(async () => {
      runs++;
      const failure = failures.shift();
      if (failure) throw failure;
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(runs).toBe(3);
  });

  it('gives up after the attempts, and never repeats other errors', async () => {
    let runs = 0;
    await expect(
      retryTransient(async () => {
        runs++;
        throw dbError('40P01');
      }, 2),
    ).rejects.toSatisfy((err) => sqlStateOf(err) === '40P01');
    expect(runs).toBe(2);

    runs = 0;
    await expect(
      retryTransient(async () => {
        runs++;
        throw dbError('23P01');
      }),
    ).rejects.toSatisfy((err) => sqlStateOf(err) === '23P01');
    expect(runs).toBe(1);
  });
});
