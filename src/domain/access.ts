import { bilingual, type Bilingual } from './language';
import { codesOf, type Vocabulary } from './vocabulary';

/**
 * Who sees and does what. Pure: the API and the daily digest apply the same rules.
 * Nobody sees another procuratorate's recommendations; within one, a handler sees those they handle,
 * a department head (部门负责人) those of the handlers of their department, the 检察长 all of them.
 * An administrator manages accounts and settings, not cases.
 */
export const ROLE_LABELS = {
  handler: '承办检察官',
  supervisor: '部门负责人',
  chief: '检察长',
  admin: '系统管理员',
} as const satisfies Vocabulary;
export type Role = keyof typeof ROLE_LABELS;
/** The roles of users (not the api and worker roles of processes: src/processRoles.ts). */
export const ROLES = codesOf(ROLE_LABELS);

/**
 * The roles that see case data (recommendations and cases). A token for one of them is never one administrator's to
 * give: its holder issues it, or a second administrator approves it, or the installation's operator issues it.
 */
export const CASE_DATA_ROLES = ['handler', 'supervisor', 'chief'] as const satisfies readonly Role[];

export const seesCaseData = (role: string): boolean => (CASE_DATA_ROLES as readonly string[]).includes(role);

export interface Member {
  id: string;
  procuratorate: string;
  department: string;
  role: string;
}

export interface Assigned {
  procuratorate: string;
  /** The handler's id. */
  handler: string;
}

/** `handlerDepartment`: the department of the recommendation's handler (undefined if they have no record). */
export function sees(member: Member, recommendation: Assigned, handlerDepartment: string | undefined): boolean {
  if (recommendation.procuratorate !== member.procuratorate) return false;
  switch (member.role) {
    case 'handler':
      return recommendation.handler === member.id;
    case 'supervisor':
      return handlerDepartment === member.department;
    case 'chief':
      return true;
    default:
      return false;
  }
}

/**
 * On a recommendation they see: `act` records what happened (reply, check, filing, lawsuit, resumption);
 * `propose` asks for an act that needs approval; `decide` approves or rejects it; `reassign` hands the
 * recommendation to another handler; `register` creates one.
 */
export type Permission = 'register' | 'act' | 'propose' | 'decide' | 'reassign';

const PERMISSIONS: Record<Role, readonly Permission[]> = {
  handler: ['register', 'act', 'propose'],
  supervisor: ['register', 'act', 'propose', 'reassign'],
  chief: ['register', 'act', 'propose', 'decide', 'reassign'],
  admin: [],
};

export function may(role: string, permission: Permission): boolean {
  return (PERMISSIONS[role as Role] ?? []).includes(permission);
}

/** What each permission lets one do, in a Chinese sentence. */
const PERMISSION_ZH: Record<Permission, string> = {
  register: '登记检察建议',
  act: '办理程序事项',
  propose: '提请检察长审批',
  decide: '审批提请事项',
  reassign: '更换承办检察官',
};

/** Why a role without `permission` is refused (the API's 403 says the same). */
export function permissionRefusal(role: string, permission: Permission): Bilingual {
  const label = ROLE_LABELS[role as Role] ?? role;
  return bilingual(`${label} (${role}) may not ${permission} here`, `${label}无权${PERMISSION_ZH[permission]}`);
}

/**
 * Whether `viewer` sees a person's contact channels (their addresses): the person themselves, and an
 * administrator, who manages them. Colleagues see who someone is, not how to reach them, wherever
 * an address would appear (the people list, the inbox's deliveries, the delivery log).
 * The caller has already kept the person within the viewer's procuratorate.
 */
export function seesChannelsOf(viewer: { id: string; role: string }, personId: string): boolean {
  return viewer.role === 'admin' || viewer.id === personId;
}
