import type { Request } from 'express';
import { z } from 'zod';
import { principal } from '../../auth/authenticate';
import { loadCalendar } from '../../activities/calendar';
import { parse } from '../errors';
import { ERRORS, json } from '../schemas/common';
import { yearCalendarResponse } from '../schemas/calendar';
import { yearParam } from '../schemas/holidaySchedules';
import type { RouteModule } from './routeModule';

/** The working-day calendar of a year, as the caller's procuratorate counts its deadlines. */
export const calendarRoutes: RouteModule = {
  register(app, { db }) {
    app.get('/api/calendar/:year', async (req: Request<{ year: string }>, res) => {
      const user = principal(res);
      // Parsed as an object so a bad year is reported on the field `year`.
      const { year } = parse(z.object({ year: yearParam }), req.params);
      const calendar = await loadCalendar(db, user.procuratorate);
      res.json({ procuratorate: user.procuratorate, ...calendar.year(year) });
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/calendar/{year}',
      summary:
        "工作日历 — a year as the caller's procuratorate counts it: national holidays and make-up days, its local rest and working days, and whether the official schedule is known",
      request: { params: z.object({ year: z.string().openapi({ example: '2026' }) }) },
      responses: { 200: json(yearCalendarResponse, 'the year'), 400: ERRORS[400], 401: ERRORS[401] },
    });
  },
};
