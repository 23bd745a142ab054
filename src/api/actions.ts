import type { z } from 'zod';
import type { ActionName } from '../domain/lifecycle';
import { checkBody, closeBody, lawsuitBody, reasonBody, replyBody, resumeBody, superiorFilingBody } from './schemas';

/** Each action's path under /api/recommendations/:id, its body schema and its Update. */
export const ACTION_ROUTES: { path: string; action: ActionName; body: z.ZodType; summary: string }[] = [
  {
    path: 'superior-filing',
    action: 'recordSuperiorFiling',
    body: superiorFilingBody,
    summary: '记录报上一级院备案 — record filing with the higher procuratorate',
  },
  {
    path: 'reply',
    action: 'recordReply',
    body: replyBody,
    summary: '记录书面回复 — record the agency’s written reply (late replies are accepted and marked late)',
  },
  {
    path: 'checks',
    action: 'recordCheck',
    body: checkBody,
    summary: '记录跟进调查 — record a follow-up investigation of the rectification',
  },
  { path: 'close', action: 'close', body: closeBody, summary: '终结案件 — close the case on a ground' },
  { path: 'escalate', action: 'escalate', body: reasonBody, summary: '决定起诉 — decide to sue' },
  { path: 'lawsuit', action: 'fileLawsuit', body: lawsuitBody, summary: '提起行政公益诉讼 — record the lawsuit filed' },
  { path: 'suspend', action: 'suspend', body: reasonBody, summary: '中止审查 — suspend the review' },
  { path: 'resume', action: 'resume', body: resumeBody, summary: '恢复审查 — resume the review' },
  {
    path: 'extend-review',
    action: 'extendReview',
    body: reasonBody,
    summary: '延长审查起诉期限 — extend the review period by one month',
  },
  { path: 'withdraw', action: 'withdraw', body: reasonBody, summary: '撤回检察建议 — withdraw the recommendation' },
];
