import { z } from 'zod';
import { TOKEN_REQUEST_HOURS, TOKEN_REQUEST_STATUSES } from '../../domain/people';
import { optionalNotes, pageQuery } from './common';

/** Requests for a token for a person whose role sees case data, and a second administrator's decision on them. */

export const tokenRequestResponse = z
  .object({
    id: z.string(),
    personId: z.string(),
    label: z.string(),
    expiresInDays: z.number().int().openapi({ description: 'how long the token will work once issued' }),
    requestedBy: z.string(),
    requestedAt: z.string(),
    expiresAt: z
      .string()
      .openapi({ description: `when the request lapses unless approved (${TOKEN_REQUEST_HOURS} hours after it)` }),
    status: z.enum(TOKEN_REQUEST_STATUSES),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    rejectionReason: z.string().nullable(),
    tokenId: z.string().nullable().openapi({ description: 'the token issued on approval' }),
  })
  .openapi('TokenRequest');
export type TokenRequestResponse = z.infer<typeof tokenRequestResponse>;

export const listTokenRequestsQuery = z
  .strictObject({
    status: z.enum(TOKEN_REQUEST_STATUSES).optional(),
    personId: z.string().optional(),
    ...pageQuery,
  })
  .openapi('ListTokenRequestsQuery');

/** Approving takes no body: the request says everything. */
export const approveTokenRequestBody = z.strictObject({}).openapi('ApproveTokenRequest');

export const rejectTokenRequestBody = z
  .strictObject({ reason: optionalNotes.openapi({ description: 'why, for the audit log' }) })
  .openapi('RejectTokenRequest');

export const tokenRequestIdParam = z.object({ id: z.string().openapi({ description: 'token request id' }) });
