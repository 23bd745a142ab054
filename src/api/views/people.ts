import type { Principal } from '../../auth/authenticate';
import type { ChannelKind } from '../../domain/people';
import type { PersonResponse } from '../schemas/people';

/** A person's row with its contact channels, as Prisma reads it. */
export type PersonRow = Omit<PersonResponse, 'updatedAt' | 'channels' | 'role' | 'kind'> & {
  role: string;
  kind: string;
  updatedAt: Date;
  channels: { id: number; kind: string; address: string; secret: string | null }[];
};

/** A person as `viewer` sees them: colleagues see who they are; their channels only they and administrators. */
export function personView(person: PersonRow, viewer: Principal): PersonResponse {
  const { channels, ...particulars } = person;
  return {
    ...particulars,
    role: person.role as PersonResponse['role'],
    kind: person.kind as PersonResponse['kind'],
    updatedAt: person.updatedAt.toISOString(),
    // Secrets are write-only: the API says whether one is set, never what it is.
    ...(viewer.role === 'admin' || viewer.id === person.id
      ? {
          channels: channels.map(({ id, kind, address, secret }) => ({
            id,
            kind: kind as ChannelKind,
            address,
            hasSecret: secret !== null,
          })),
        }
      : {}),
  };
}
