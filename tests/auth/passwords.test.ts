import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, SCRYPT_PARAMETERS, verifyPassword } from '../../src/auth/passwords';
import { passwordProblem } from '../../src/domain/people';

describe('password hashes', () => {
  it('carry their scrypt parameters and a salt of their own', async () => {
    const [one, two] = [await hashPassword('Correct-Horse-42'), await hashPassword('Correct-Horse-42')];
    expect(one).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(one).not.toBe(two);
    expect(await verifyPassword('Correct-Horse-42', one)).toBe(true);
    expect(await verifyPassword('Correct-Horse-43', one)).toBe(false);
    expect(await verifyPassword('', one)).toBe(false);
  });

  it('still verify when made with other parameters, which then call for a new hash', async () => {
    const older = await hashPassword('Correct-Horse-42', { N: 2 ** 14, r: 8, p: 1 });
    expect(older.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(await verifyPassword('Correct-Horse-42', older)).toBe(true);
    expect(needsRehash(older)).toBe(true);
    expect(needsRehash(await hashPassword('x'))).toBe(false);
    expect(needsRehash(await hashPassword('x', { ...SCRYPT_PARAMETERS, N: 2 ** 16 }))).toBe(false);
  });

  it('refuse without a readable hash, after the same work', async () => {
    for (const stored of [null, undefined, '', 'scrypt$1$2', 'bcrypt$whatever', 'scrypt$0$8$1$aa$bb'])
      expect(await verifyPassword('Correct-Horse-42', stored)).toBe(false);
    const stored = await hashPassword('Correct-Horse-42');
    const timed = async (hash: string | null) => {
      const started = performance.now();
      await verifyPassword('Wrong-Horse-42', hash);
      return performance.now() - started;
    };
    const [withHash, without]: [number[], number[]] = [[], []];
    for (let round = 0; round < 3; round += 1) {
      withHash.push(await timed(stored));
      without.push(await timed(null));
    }
    // Skipping the work would take microseconds against scrypt's tens of milliseconds.
    expect(Math.min(...without)).toBeGreaterThan(Math.min(...withHash) * 0.3);
  });

  it('treat the same text in composed and decomposed Unicode as one password', async () => {
    const composed = 'Mot-de-passe-é-2026';
    expect(await verifyPassword(composed.normalize('NFD'), await hashPassword(composed))).toBe(true);
  });
});

describe('the password rule', () => {
  it('asks for 10–128 characters of three kinds, without the account id', () => {
    expect(passwordProblem('Correct-Horse-42', 'li')).toBeUndefined();
    expect(passwordProblem('检察建议跟进系统Ab1')).toBeUndefined();
    expect(passwordProblem('Ab1-')).toBe('密码至少 10 个字符');
    expect(passwordProblem(`Ab1-${'x'.repeat(125)}`)).toBe('密码至多 128 个字符');
    expect(passwordProblem('abcdefghij12')).toMatch(/至少三种/);
    expect(passwordProblem('ABCDEFGHIJ-!')).toMatch(/至少三种/);
    expect(passwordProblem('Wang-Jian-2026', 'wang-jian')).toBe('密码不能包含账号');
    expect(passwordProblem('李检察官的密码Ab1', '李检察官')).toBe('密码不能包含账号');
    // Ids of one or two characters would rule out half of all passwords: they are not looked for.
    expect(passwordProblem('Li-Correct-42', 'li')).toBeUndefined();
    // Characters, not UTF-16 units: ten Chinese characters and an emoji are long enough.
    expect(passwordProblem('检察建议跟进系统密码😀A1')).toBeUndefined();
  });
});
