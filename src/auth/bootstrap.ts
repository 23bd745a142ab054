import { appendAudit } from '../audit/log';
import type { Database } from '../db/client';
import { issueToken, type IssuedToken } from './tokens';

export interface AdministratorParticulars {
  id: string;
  name: string;
  procuratorate: string;
  department: string;
  /** How long the token works. */
  days: number;
}

/**
 * The way in for a new installation, run by whoever operates the database (there is no default password):
 * creates the administrator if absent and issues them a token. Refuses an existing non-admin id.
 */
export async function createAdministrator(db: Database, who: AdministratorParticulars): Promise<IssuedToken> {
  return db.$transaction(async (tx) => {
    const existing = await tx.person.findUnique({ where: { id: who.id } });
    if (existing && (existing.role !== 'admin' || existing.procuratorate !== who.procuratorate)) {
      throw new Error(
        `user ${who.id} already exists as ${existing.role} of ${existing.procuratorate}; choose another id`,
      );
    }
    if (!existing) {
      await tx.person.create({
        data: {
          id: who.id,
          name: who.name,
          procuratorate: who.procuratorate,
          department: who.department,
          role: 'admin',
        },
      });
    } else if (!existing.active) {
      await tx.person.update({ where: { id: who.id }, data: { active: true } });
    }
    const token = await issueToken(tx, who.id, 'bootstrap', new Date(Date.now() + who.days * 86_400_000), 'bootstrap');
    await appendAudit(tx, {
      key: `bootstrap:${token.id}`,
      recommendationId: null,
      procuratorate: who.procuratorate,
      type: 'token_issued',
      actor: 'bootstrap',
      occurredAt: new Date(),
      payload: {
        tokenId: token.id,
        personId: who.id,
        label: 'bootstrap',
        expiresAt: token.expiresAt.toISOString(),
        issuedBy: 'bootstrap',
        issuedByHolder: false,
        approvedBy: null,
        administrationOnly: false,
        administratorCreated: !existing,
      },
    });
    return token;
  });
}

/** What `npm start` prints so that a new installation can be entered. */
export async function bootstrapHint(db: Database): Promise<string | undefined> {
  const admins = await db.person.count({ where: { role: 'admin', active: true } });
  if (admins > 0) return undefined;
  return [
    'No administrator exists yet, and there is no default password. Create the first one and get their API token and',
    'a one-time link to choose their console password with:',
    '  npm run auth:create-admin -- --id admin --name 系统管理员 --procuratorate 某区人民检察院',
    'then sign in to the console, or call the API with the header  Authorization: Bearer <token>  (e.g. GET /api/me);',
    'create users with PUT /api/people/:id and give each a console activation link (POST /api/people/:id/activation).',
    'People signed in through the SSO (AUTH_JWT_SECRET / AUTH_JWKS_URL) issue their own tokens (POST /api/me/tokens).',
    'A token for a handler, department head or 检察长 needs a second administrator (POST /api/people/:id/tokens, then',
    'POST /api/token-requests/:id/approve), or the operator:  npm run auth:issue-token -- --person <id>',
  ].join('\n');
}
