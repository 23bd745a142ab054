import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import type { Person, Prisma, Session } from '../generated/prisma/client';

/**
 * The console's server-side sessions. The cookie holds 32 random bytes; the database keeps only their SHA-256, so
 * a copy of the database signs nobody in. A session ends at its absolute expiry (AUTH_SESSION_HOURS after sign-in),
 * after AUTH_SESSION_IDLE_MINUTES without a request, or when its holder or an administrator ends it.
 */

export const SESSION_COOKIE = 'followup_session';

export type SignInMethod = 'password' | 'activation' | 'oidc';

export interface SessionSettings {
  idleMinutes: number;
  hours: number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = { idleMinutes: 30, hours: 12 };

/** Writing lastSeenAt on every request would make every read a write; once a minute keeps the idle expiry close. */
const LAST_SEEN_GRANULARITY_MS = 60_000;

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export interface StartedSession {
  /** The cookie's value: given to the browser once, never stored. */
  secret: string;
  session: Session;
}

export interface ActiveSession {
  session: Session;
  person: Person;
}

/** Where a sign-in came from, kept with the session so that its holder can recognise it in their list. */
export interface Client {
  userAgent?: string;
  address?: string;
}

export class SessionStore {
  constructor(
    private readonly db: Database,
    readonly settings: SessionSettings = DEFAULT_SESSION_SETTINGS,
    /** The clock; tests move it instead of waiting half an hour. */
    readonly now: () => Date = () => new Date(),
  ) {}

  async start(personId: string, method: SignInMethod, client: Client): Promise<StartedSession> {
    const secret = randomBytes(32).toString('base64url');
    const now = this.now();
    const session = await this.db.session.create({
      data: {
        id: randomUUID(),
        personId,
        hash: hashSecret(secret),
        csrfToken: randomBytes(32).toString('base64url'),
        method,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + this.settings.hours * 3_600_000),
        userAgent: client.userAgent?.slice(0, 500) ?? null,
        address: client.address?.slice(0, 100) ?? null,
      },
    });
    return { secret, session };
  }

  /** When the session ends unless a request comes first: the earlier of its idle and its absolute expiry. */
  idleExpiresAt(session: Pick<Session, 'lastSeenAt' | 'expiresAt'>): Date {
    const idle = session.lastSeenAt.getTime() + this.settings.idleMinutes * 60_000;
    return new Date(Math.min(idle, session.expiresAt.getTime()));
  }

  isLive(session: Session, at = this.now()): boolean {
    return !session.endedAt && at < session.expiresAt && at < this.idleExpiresAt(session);
  }

  /** The live session the cookie names, seen now; undefined when unknown, ended or expired. */
  async find(secret: string): Promise<ActiveSession | undefined> {
    const found = await this.db.session.findUnique({ where: { hash: hashSecret(secret) }, include: { person: true } });
    const now = this.now();
    if (!found || !this.isLive(found, now)) return undefined;
    const { person, ...session } = found;
    if (now.getTime() - session.lastSeenAt.getTime() < LAST_SEEN_GRANULARITY_MS) return { session, person };
    // Best effort, as for API tokens: a busy database must not turn a valid request away.
    const seen = await this.db.session
      .update({ where: { id: session.id }, data: { lastSeenAt: now } })
      .catch(() => ({ ...session, lastSeenAt: now }));
    return { session: seen, person };
  }

  /** Ends one session (of `personId` when given); whether it was live. */
  async end(id: string, endedBy: string, personId?: string): Promise<boolean> {
    const { count } = await this.db.session.updateMany({
      where: { id, endedAt: null, ...(personId ? { personId } : {}) },
      data: { endedAt: this.now(), endedBy },
    });
    return count > 0;
  }

  /** Ends every session of the person but `exceptId`; how many were open. */
  async endAll(
    personId: string,
    endedBy: string,
    exceptId?: string,
    writer: Pick<Prisma.TransactionClient, 'session'> = this.db,
  ): Promise<number> {
    const { count } = await writer.session.updateMany({
      where: { personId, endedAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) },
      data: { endedAt: this.now(), endedBy },
    });
    return count;
  }

  /** The person's live sessions, newest first. */
  async liveOf(personId: string): Promise<Session[]> {
    const now = this.now();
    const open = await this.db.session.findMany({
      where: { personId, endedAt: null, expiresAt: { gt: now } },
      orderBy: { createdAt: 'desc' },
    });
    return open.filter((session) => this.isLive(session, now));
  }
}
