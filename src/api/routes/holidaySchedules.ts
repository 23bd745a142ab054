import type { Request } from 'express';
import { z } from 'zod';
import { withAuditRetry } from '../../audit/log';
import { principal } from '../../auth/authenticate';
import { requireRole } from '../access';
import { invalidInput, parse } from '../errors';
import { ERRORS, json, jsonBody } from '../schemas/common';
import {
  holidayScheduleBody,
  holidayScheduleYearParam,
  scheduleProblems,
  setHolidayScheduleResponse,
  storedHolidayScheduleResponse,
  yearParam,
} from '../schemas/holidaySchedules';
import { holidayScheduleView } from '../views/holidaySchedules';
import type { RouteModule } from './routeModule';

/** The official holiday schedules of years the built-in calendar does not know; entering one recomputes deadlines. */
export const holidayScheduleRoutes: RouteModule = {
  register(app, { db, lifecycle }) {
    app.get('/api/holiday-schedules', async (_req, res) => {
      const rows = await db.holidaySchedule.findMany({ orderBy: { year: 'asc' } });
      res.json(rows.map(holidayScheduleView));
    });

    app.put('/api/holiday-schedules/:year', async (req: Request<{ year: string }>, res) => {
      const user = principal(res);
      requireRole(user, ['admin', 'chief'], 'entering the holiday schedule');
      // Parsed as an object so a bad year is reported on the field `year`, not on the body.
      const { year } = parse(z.object({ year: yearParam }), req.params);
      const body = parse(holidayScheduleBody, req.body);
      const problems = scheduleProblems(year, body);
      if (problems.length > 0) throw invalidInput(new z.ZodError(problems));
      const data = { holidays: [...new Set(body.holidays)].sort(), workdays: [...new Set(body.workdays)].sort() };
      await withAuditRetry(db, async (tx, audit) => {
        await tx.holidaySchedule.upsert({ where: { year }, create: { year, ...data }, update: data });
        await audit({ type: 'holiday_schedule_set', actor: user.id, payload: { year, ...data } });
      });
      res.json({ year, ...data, recalculating: await lifecycle.recalculateDeadlinesIn(year) });
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/holiday-schedules',
      summary: 'the official holiday schedules entered, by year (the built-in calendar covers the others)',
      responses: { 200: json(z.array(storedHolidayScheduleResponse), 'earliest year first'), 401: ERRORS[401] },
    });
    registry.registerPath({
      method: 'put',
      path: '/api/holiday-schedules/{year}',
      summary: 'enter the official holiday schedule of a year the built-in calendar does not know',
      request: { params: holidayScheduleYearParam, ...jsonBody(holidayScheduleBody) },
      responses: { 200: json(setHolidayScheduleResponse, 'stored'), 400: ERRORS[400] },
    });
  },
};
