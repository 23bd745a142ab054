import type { Role } from './access';

/** The people who use Followup and are reminded by it: their accounts, contact channels and API tokens. */

/** A person signs in; a service account is another system, with API tokens only. */
export const ACCOUNT_KINDS = ['person', 'service'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Where reminders go besides the in-app inbox, which everyone has. */
export const CHANNEL_KINDS = ['email', 'webhook', 'wecom', 'dingtalk'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export type ContactChannel =
  | { kind: 'email'; address: string }
  /** Signed with HMAC-SHA256 under `secret`, which the receiver verifies. */
  | { kind: 'webhook'; address: string; secret: string }
  /** A WeCom group robot: the URL carries its key. */
  | { kind: 'wecom'; address: string }
  /** A DingTalk robot: the URL carries its access_token; `secret` (SEC…) when 加签 is on. */
  | { kind: 'dingtalk'; address: string; secret?: string };

/** A person (or service account) as an administrator creates or replaces them. */
export interface Person {
  name: string;
  procuratorate: string;
  /** 部门: a department head (部门负责人) sees the recommendations of its handlers. */
  department: string;
  role: Role;
  kind: AccountKind;
  /** A deactivated account cannot sign in and is assigned nothing. */
  active: boolean;
  channels: ContactChannel[];
}

/** An API token to issue: what it is for, and how long it works. */
export interface TokenParticulars {
  label: string;
  expiresInDays: number;
}

/**
 * An administrator's request for a token for a person whose role sees case data waits this long for a second
 * administrator's approval; then it expires, and a stale request cannot be approved by surprise.
 */
export const TOKEN_REQUEST_HOURS = 72;

export const TOKEN_REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const;
export type TokenRequestStatus = (typeof TOKEN_REQUEST_STATUSES)[number];

/** A request is stored pending, approved or rejected; a pending one past its expiry is expired. */
export function tokenRequestStatus(stored: string, expiresAt: Date, now: Date): TokenRequestStatus {
  if (stored === 'pending') return expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
  return stored as TokenRequestStatus;
}

/** How long a one-time activation link (an administrator's way to let a person set their password) works. */
export const ACTIVATION_LINK_HOURS = 72;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** The kinds of character a password mixes: at least three of the four. */
const CHARACTER_CLASSES: readonly RegExp[] = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u];

/**
 * Why a console password is refused, in Chinese for the person choosing it; undefined when it is acceptable:
 * 10–128 characters, at least three kinds of character, not containing the account's id (ids of one or two
 * characters excepted, which would forbid half of all passwords).
 */
export function passwordProblem(password: string, account?: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`;
  if (length > PASSWORD_MAX_LENGTH) return `密码至多 ${PASSWORD_MAX_LENGTH} 个字符`;
  if (CHARACTER_CLASSES.filter((kind) => kind.test(password)).length < 3)
    return '密码须包含小写字母、大写字母、数字、其他字符中的至少三种';
  if (account && [...account].length >= 3 && password.toLowerCase().includes(account.toLowerCase()))
    return '密码不能包含账号';
  return undefined;
}
