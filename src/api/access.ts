import { hotStatements, type Database } from '../db/client';
import { may, permissionRefusal, ROLE_LABELS, sees, seesCaseData, type Permission, type Role } from '../domain/access';
import type { Bilingual } from '../domain/language';
import type { Principal } from '../auth/authenticate';
import { fieldError } from './errors';
import { HttpError, notFound } from '../httpError';

/** The rules of src/domain/access.ts as database filters and checks for the routes. */

export const forbidden = (message: string | Bilingual) => new HttpError(403, 'forbidden', message);

/** 403 unless the user's role allows `permission`; says which role is missing it. */
export function requirePermission(user: Principal, permission: Permission): void {
  if (!may(user.role, permission)) throw forbidden(permissionRefusal(user.role, permission));
}

export function requireRole(user: Principal, roles: readonly string[], what: string): void {
  if (!roles.includes(user.role)) {
    const labels = roles.map((role) => ROLE_LABELS[role as Role] ?? role).join('或');
    throw forbidden({
      en: `${what} is for ${roles.join(' or ')}; you are ${user.role}`,
      zh: `此项仅限${labels}办理，您的角色是${ROLE_LABELS[user.role] ?? user.role}`,
    });
  }
}

/** Administrators manage users and settings; case data is for handlers, department heads and the 检察长. */
export function requireCaseOfficer(user: Principal): void {
  if (!seesCaseData(user.role)) {
    throw forbidden({
      en: `${ROLE_LABELS[user.role] ?? user.role} accounts manage users and settings; case data is for handlers, department heads and the 检察长`,
      zh: `${ROLE_LABELS[user.role] ?? user.role}账号管理用户和设置；案件数据仅供承办检察官、部门负责人和检察长查看`,
    });
  }
}

/** Filter on rows with `procuratorate` and `handler` (recommendations, cases): those the user sees. */
export async function assignedScope(
  db: Database,
  user: Principal,
): Promise<{ procuratorate: string; handler?: string | { in: string[] } }> {
  switch (user.role) {
    case 'handler':
      return { procuratorate: user.procuratorate, handler: user.id };
    case 'supervisor': {
      const colleagues = await db.person.findMany({
        where: { procuratorate: user.procuratorate, department: user.department },
        select: { id: true },
      });
      return { procuratorate: user.procuratorate, handler: { in: colleagues.map((p) => p.id) } };
    }
    default:
      requireCaseOfficer(user);
      return { procuratorate: user.procuratorate };
  }
}

/** Whether the user sees a row with `procuratorate` and `handler`; what they do not see does not exist for them (404). */
export async function seesAssigned(
  db: Database,
  user: Principal,
  row: { procuratorate: string; handler: string },
): Promise<boolean> {
  if (row.procuratorate !== user.procuratorate) return false;
  const handler =
    user.role === 'supervisor'
      ? await db.person.findUnique({ where: { id: row.handler }, select: { department: true, procuratorate: true } })
      : null;
  return sees(user, row, handler?.procuratorate === row.procuratorate ? handler.department : undefined);
}

/** The recommendation's row if the user sees it; 404 otherwise, whether it exists or not. */
export async function visibleRecommendation(db: Database, user: Principal, id: string) {
  requireCaseOfficer(user);
  const row = await db.recommendation.findUnique({ where: { id } });
  if (!row || !(await seesAssigned(db, user, row)))
    throw notFound({ en: `recommendation ${id}`, zh: `检察建议 ${id} ` });
  return row;
}

/**
 * Whose notifications (and their deliveries) the user may read: a handler their own, a department head their
 * department's, others their procuratorate's.
 */
export async function recipientsSeenBy(db: Database, user: Principal): Promise<string | { in: string[] }> {
  if (user.role === 'handler') return user.id;
  const where =
    user.role === 'supervisor'
      ? { procuratorate: user.procuratorate, department: user.department }
      : { procuratorate: user.procuratorate };
  return { in: (await db.person.findMany({ where, select: { id: true } })).map((p) => p.id) };
}

/** 404 for a procuratorate other than the user's own: its data does not exist for them. */
export function ownProcuratorate(user: Principal, procuratorate: string | undefined, what = 'procuratorate'): string {
  if (procuratorate !== undefined && procuratorate !== user.procuratorate)
    throw notFound({ en: `${what} ${procuratorate}`, zh: procuratorate });
  return user.procuratorate;
}

/**
 * The handler a new, or reassigned, recommendation or case goes to: a handler names themselves (or nobody);
 * others name an active case officer of their procuratorate, a department head one of their department.
 */
export async function assignableHandler(db: Database, user: Principal, requested: string | undefined): Promise<string> {
  if (user.role === 'handler') {
    if (requested !== undefined && requested !== user.id)
      throw forbidden({
        en: 'a handler takes on their own matters; a department head assigns them to others',
        zh: '承办检察官只能承办自己的案件，由部门负责人指派给他人',
      });
    return user.id;
  }
  if (requested === undefined)
    throw fieldError('handler', { en: 'name the handler (a user id)', zh: '请指定承办检察官（用户 ID）' });
  const person = await hotStatements(db).person(requested);
  if (!person || person.procuratorate !== user.procuratorate || !person.active)
    throw fieldError('handler', {
      en: `no active user ${requested} in ${user.procuratorate}`,
      zh: `${user.procuratorate}没有在职用户 ${requested}`,
    });
  if (!seesCaseData(person.role))
    throw fieldError('handler', {
      en: `${requested} is ${person.role}, not a case officer`,
      zh: `${requested}是${ROLE_LABELS[person.role as Role] ?? person.role}，不是办案人员`,
    });
  if (user.role === 'supervisor' && person.department !== user.department)
    throw fieldError('handler', {
      en: `${requested} is not in your department (${user.department})`,
      zh: `${requested}不在您的部门（${user.department}）`,
    });
  return requested;
}
