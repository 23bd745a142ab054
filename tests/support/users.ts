import type { Database } from '../../src/db/client';
import { hashToken, issueToken } from '../../src/auth/tokens';

/** The users every API test can act as, in two procuratorates, each with an API token. */

export const PROCURATORATE = '某区人民检察院';
export const OTHER_PROCURATORATE = '另一区人民检察院';
export const DEPARTMENT = '第五检察部';

interface Seeded {
  id: string;
  name?: string;
  role: 'handler' | 'supervisor' | 'chief' | 'admin';
  department: string;
  procuratorate: string;
  kind?: 'person' | 'service';
}

const own = (id: string, role: Seeded['role'], department = DEPARTMENT): Seeded => ({
  id,
  role,
  department,
  procuratorate: PROCURATORATE,
});

export const USERS = {
  /** 承办检察官 of the fifth department; the default handler of test recommendations. */
  handler: own('李检察官', 'handler'),
  colleague: own('张检察官', 'handler'),
  otherDepartmentHandler: own('王检察官', 'handler', '第一检察部'),
  supervisor: own('陈主任', 'supervisor'),
  otherSupervisor: own('周主任', 'supervisor', '第一检察部'),
  /** The default caller of callApi; his id is not his name, as with an SSO's user ids. */
  chief: { ...own('zhao', 'chief', '院领导'), name: '赵检察长' },
  deputyChief: own('钱副检察长', 'chief', '院领导'),
  admin: own('admin', 'admin', '办公室'),
  service: { ...own('case-system', 'handler'), kind: 'service' },
  outsiderChief: { id: '孙检察长', role: 'chief', department: '院领导', procuratorate: OTHER_PROCURATORATE },
  outsiderHandler: { id: '周检察官', role: 'handler', department: DEPARTMENT, procuratorate: OTHER_PROCURATORATE },
  outsiderAdmin: { id: 'admin-2', role: 'admin', department: '办公室', procuratorate: OTHER_PROCURATORATE },
} satisfies Record<string, Seeded>;
export type UserKey = keyof typeof USERS;

/** More handlers the older tests name, all in the fifth department of 某区. */
const MORE_HANDLERS = ['甲检察官', '乙检察官', '丙检察官', '丁检察官', '赵检察官'];

export type Tokens = Record<UserKey, string>;
export const fixedToken = (key: UserKey): string => `fu_test-${key}`;

/**
 * Seeds the users with a token each: random, or with `fixedTokens` the same in every database (`fu_test-<key>`),
 * for tests that run processes on several databases at once.
 */
export async function seedUsers(db: Database, { fixedTokens = false } = {}): Promise<Tokens> {
  const people: Seeded[] = [...Object.values(USERS), ...MORE_HANDLERS.map((id) => own(id, 'handler'))];
  for (const p of people) {
    await db.person.upsert({
      where: { id: p.id },
      create: { ...p, kind: p.kind ?? 'person', name: p.name ?? p.id },
      update: {},
    });
  }
  const tokens = {} as Tokens;
  const expiresAt = new Date(Date.now() + 30 * 86_400_000);
  for (const key of Object.keys(USERS) as UserKey[]) {
    const personId = USERS[key].id;
    if (fixedTokens) {
      tokens[key] = fixedToken(key);
      await db.apiToken.create({
        data: {
          id: `fixed-${key}`,
          personId,
          label: 'test',
          hash: hashToken(tokens[key]),
          expiresAt,
          createdBy: 'test',
        },
      });
    } else {
      tokens[key] = (await issueToken(db, personId, 'test', expiresAt, 'test')).token;
    }
  }
  return tokens;
}

/** A further handler of the fifth department of 某区 (so that their notifications are theirs alone). */
export async function addHandler(db: Database, id: string, department = DEPARTMENT): Promise<string> {
  await db.person.create({ data: { id, name: id, procuratorate: PROCURATORATE, department, role: 'handler' } });
  return id;
}

/**
 * A further administrator with a token (set-up, as the operator would issue it): the second administrator whose
 * approval a token for a role that sees case data needs.
 */
export async function addAdministrator(db: Database, id: string, procuratorate = PROCURATORATE): Promise<string> {
  await db.person.create({ data: { id, name: id, procuratorate, department: '办公室', role: 'admin' } });
  return (await issueToken(db, id, 'test', new Date(Date.now() + 86_400_000), 'test')).token;
}

export interface Office {
  /** The 检察长's id, and their token. */
  chief: string;
  token: string;
  adminToken: string;
  handlers: string[];
  handlerTokens: string[];
}

/**
 * A procuratorate of its own for a test that counts everything in one: its 检察长 and administrator, and
 * handlers whose ids carry a tag (ids are unique across procuratorates), each with a token.
 */
export async function newProcuratorate(db: Database, name: string, handlers: readonly string[]): Promise<Office> {
  const tag = name.slice(-8);
  const chief = `检察长-${tag}`;
  await db.person.create({
    data: { id: chief, name: '检察长', procuratorate: name, department: '院领导', role: 'chief' },
  });
  const admin = `管理员-${tag}`;
  await db.person.create({
    data: { id: admin, name: '管理员', procuratorate: name, department: '办公室', role: 'admin' },
  });
  const ids = handlers.map((h) => `${h}-${tag}`);
  for (const id of ids)
    await db.person.create({ data: { id, name: id, procuratorate: name, department: DEPARTMENT, role: 'handler' } });
  const tokenOf = async (id: string) =>
    (await issueToken(db, id, 'test', new Date(Date.now() + 86_400_000), 'test')).token;
  const handlerTokens = [];
  for (const id of ids) handlerTokens.push(await tokenOf(id));
  return { chief, token: await tokenOf(chief), adminToken: await tokenOf(admin), handlers: ids, handlerTokens };
}
