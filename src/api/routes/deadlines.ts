import { principal } from '../../auth/authenticate';
import { loadCalendar } from '../../activities/calendar';
import { computeDeadlines } from '../../domain/deadlines';
import { parse } from '../errors';
import { ERRORS, json, jsonBody } from '../schemas/common';
import { deadlinePreviewBody, deadlinePreviewResponse } from '../schemas/deadlines';
import { deadlineView } from '../views/recommendations';
import type { RouteModule } from './routeModule';

/**
 * The deadline preview: the deadlines a recommendation served on these dates would get in the caller's
 * procuratorate, computed as its lifecycle computes them (src/activities computeDeadlines), creating nothing.
 */
export const deadlineRoutes: RouteModule = {
  register(app, { db }) {
    app.post('/api/deadlines/preview', async (req, res) => {
      const user = principal(res);
      const { servedAt, urgent, replyDueAt } = parse(deadlinePreviewBody, req.body ?? {});
      // As a new lifecycle starts: no extension, no suspension yet (deadlineInputOf in src/domain/lifecycle.ts).
      const computed = computeDeadlines(
        { servedAt, urgent, replyDueOverride: replyDueAt ?? null, reviewExtensions: 0, suspendedDays: 0 },
        await loadCalendar(db, user.procuratorate),
      );
      res.json({
        procuratorate: user.procuratorate,
        deadlines: [computed.superiorFiling, computed.reply, computed.review].map(deadlineView),
        yearsWithoutHolidaySchedule: computed.yearsWithoutSchedule,
      });
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'post',
      path: '/api/deadlines/preview',
      summary:
        "期限预览 — the deadlines a recommendation served on these dates would get in the caller's procuratorate (its holidays and local adjustments), and the years lacking an official schedule; creates nothing, and is not counted as a change by the rate limit",
      request: jsonBody(deadlinePreviewBody),
      responses: {
        200: json(deadlinePreviewResponse, 'the deadlines, as a recommendation registered with these dates gets them'),
        400: ERRORS[400],
        401: ERRORS[401],
      },
    });
  },
};
