import type { Request } from 'express';
import { z } from 'zod';
import { principal } from '../../auth/authenticate';
import { countConcerned } from '../../calendar/recalculate';
import type { RolloutStatus } from '../../temporal/rollouts';
import type { Logger } from 'pino';
import {
  deleteLocalAdjustment,
  InvalidCalendarInput,
  listLocalAdjustments,
  listNationalSchedules,
  saveLocalAdjustment,
} from '../../calendar/store';
import type { CalendarProblem } from '../../domain/calendar';
import { HttpError, notFound } from '../../httpError';
import { forbidden, requireRole } from '../access';
import { invalidInput, parse } from '../errors';
import { ERRORS, errorResponse, json, rolloutResponse } from '../schemas/common';
import {
  holidaySchedulesResponse,
  localAdjustmentBody,
  localAdjustmentResponse,
  yearParam,
} from '../schemas/holidaySchedules';
import { adjustmentView, holidayScheduleView } from '../views/holidaySchedules';
import type { RouteModule } from './routeModule';

const NATIONAL_IS_THE_OPERATORS =
  'the national holiday schedule is set by the operator of the installation (npm run calendar -- set <year> --file <schedule.json>); ' +
  'a procuratorate enters its own changes with PUT /api/holiday-schedules/<year>/local';

const yearPath = z.object({ year: z.string().openapi({ example: '2027' }) });
const recalculating = z
  .number()
  .int()
  .openapi({ description: "the caller's procuratorate's running lifecycles the change concerns" });
const rollout = rolloutResponse.openapi({
  description: 'their being asked to recompute their deadlines, in the background: polled at …/local/rollout',
});
const ROLLOUT_LOCATION = "the rollout's progress: GET /api/holiday-schedules/{year}/local/rollout";

/**
 * The calendars: everyone reads the national schedules and their own procuratorate's adjustments; a 检察长 or
 * administrator changes their own procuratorate's, which moves its lifecycles' deadlines and no other's.
 */
export const holidayScheduleRoutes: RouteModule = {
  register(app, { db, lifecycle }) {
    app.get('/api/holiday-schedules', async (_req, res) => {
      const user = principal(res);
      const [national, local] = await Promise.all([
        listNationalSchedules(db),
        listLocalAdjustments(db, user.procuratorate),
      ]);
      res.json({
        national: national.map(holidayScheduleView),
        local: local.map(adjustmentView),
      });
    });

    // No procuratorate's account sets the national schedule: it would move every other procuratorate's deadlines.
    const refuseNational = () => {
      throw forbidden({
        en: NATIONAL_IS_THE_OPERATORS,
        zh: '全国节假日安排由系统运维人员设置（npm run calendar -- set <year> --file <schedule.json>）；各院通过 PUT /api/holiday-schedules/<year>/local 录入本院的调整',
      });
    };
    app.put('/api/holiday-schedules/:year', refuseNational);
    app.delete('/api/holiday-schedules/:year', refuseNational);

    app.put('/api/holiday-schedules/:year/local', async (req: Request<{ year: string }>, res) => {
      const user = principal(res);
      requireRole(user, ['admin', 'chief'], "adjusting the procuratorate's holiday calendar");
      // Parsed as an object so a bad year is reported on the field `year`, not on the body.
      const { year } = parse(z.object({ year: yearParam }), req.params);
      const body = parse(localAdjustmentBody, req.body);
      const saved = await saveLocalAdjustment(db, user.procuratorate, { year, ...body }, user.id).catch(asBadRequest);
      const recalculation = await recalculateOwn(user.procuratorate, year, res.locals.log as Logger);
      res
        .status(202)
        .location(rolloutPath(year))
        .json({ ...adjustmentView(saved), ...recalculation });
    });

    app.delete('/api/holiday-schedules/:year/local', async (req: Request<{ year: string }>, res) => {
      const user = principal(res);
      requireRole(user, ['admin', 'chief'], "adjusting the procuratorate's holiday calendar");
      const { year } = parse(z.object({ year: yearParam }), req.params);
      // Idempotent, and recomputing even when there was nothing to remove: repeating a removal whose
      // recomputation was cut short (503) completes it.
      const removed = await deleteLocalAdjustment(db, user.procuratorate, year, user.id);
      const recalculation = await recalculateOwn(user.procuratorate, year, res.locals.log as Logger);
      res
        .status(202)
        .location(rolloutPath(year))
        .json({ procuratorate: user.procuratorate, year, removed, ...recalculation });
    });

    app.get('/api/holiday-schedules/:year/local/rollout', async (req: Request<{ year: string }>, res) => {
      const user = principal(res);
      // Its figures count the office's open lifecycles: for those who make the change, not every role.
      requireRole(user, ['admin', 'chief'], 'reading how far a holiday-calendar change has reached');
      const { year } = parse(z.object({ year: yearParam }), req.params);
      const status = await lifecycle.calendarRollout({ year, procuratorate: user.procuratorate });
      if (!status) throw notFound({ en: `a local change of ${year}`, zh: `${year}年的本院调整` });
      res.json(status);
    });

    const rolloutPath = (year: number) => `/api/holiday-schedules/${year}/local/rollout`;

    /**
     * Counts the procuratorate's lifecycles the change concerns, and starts asking them (only them) to recompute
     * their deadlines, in the background (the lifecycleRollout workflow).
     */
    async function recalculateOwn(
      procuratorate: string,
      year: number,
      log: Logger,
    ): Promise<{ recalculating: number; rollout: RolloutStatus }> {
      const change = { year, procuratorate };
      const recalculating = (await countConcerned(db, change)).get(procuratorate) ?? 0;
      try {
        const rollout = await lifecycle.startCalendarRollout(change);
        log.info({ procuratorate, year, recalculating }, 'holiday schedule change rolling out to running lifecycles');
        return { recalculating, rollout };
      } catch (error) {
        log.warn({ err: error, procuratorate, year }, 'the holiday schedule change could not start its rollout');
        throw new HttpError(503, 'recalculation_incomplete', {
          en: `the change is saved, but the ${recalculating} running lifecycles it concerns could not be asked to recompute their deadlines: repeat the request shortly`,
          zh: `更改已保存，但涉及的${recalculating}个办理中流程未能开始重新计算期限：请稍后重复此请求`,
        });
      }
    }
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/holiday-schedules',
      summary: "the national holiday schedules, and the caller's procuratorate's local adjustments",
      responses: { 200: json(holidaySchedulesResponse, 'the schedules') },
    });
    for (const method of ['put', 'delete'] as const) {
      registry.registerPath({
        method,
        path: '/api/holiday-schedules/{year}',
        summary: 'the national schedule is the operator’s (npm run calendar): always refused here',
        request: { params: yearPath },
        responses: { 403: json(errorResponse, NATIONAL_IS_THE_OPERATORS) },
      });
    }
    registry.registerPath({
      method: 'put',
      path: '/api/holiday-schedules/{year}/local',
      summary:
        "set or correct the caller's procuratorate's local rest days and make-up working days of a year (检察长 or administrator); its running lifecycles recompute their deadlines",
      request: {
        params: yearPath,
        body: { content: { 'application/json': { schema: localAdjustmentBody } } },
      },
      responses: {
        202: json(localAdjustmentResponse.extend({ recalculating, rollout }), `stored; ${ROLLOUT_LOCATION}`),
        400: ERRORS[400],
        403: ERRORS[403],
        503: json(errorResponse, 'stored, but its rollout to the lifecycles could not be started: repeat the request'),
      },
    });
    registry.registerPath({
      method: 'delete',
      path: '/api/holiday-schedules/{year}/local',
      summary:
        "remove the caller's procuratorate's adjustment of a year; its running lifecycles recompute their deadlines",
      request: { params: yearPath },
      responses: {
        202: json(
          z.object({
            procuratorate: z.string(),
            year: z.number().int(),
            removed: z.boolean().openapi({ description: 'false: there was no adjustment of that year' }),
            recalculating,
            rollout,
          }),
          `removed; ${ROLLOUT_LOCATION}`,
        ),
        403: ERRORS[403],
        503: json(errorResponse, 'removed, but its rollout to the lifecycles could not be started: repeat the request'),
      },
    });
    registry.registerPath({
      method: 'get',
      path: '/api/holiday-schedules/{year}/local/rollout',
      summary:
        "how far the latest change of the caller's procuratorate's adjustment of the year has reached its lifecycles",
      request: { params: yearPath },
      responses: {
        200: json(rolloutResponse, 'its progress'),
        403: ERRORS[403],
        404: json(errorResponse, 'no change of that year'),
      },
    });
  },
};

function asBadRequest(error: unknown): never {
  if (error instanceof InvalidCalendarInput) throw invalidInput(new z.ZodError(error.problems.map(zodIssue)));
  throw error;
}

const zodIssue = ({ path, message }: CalendarProblem): z.core.$ZodIssue => ({
  code: 'custom',
  path,
  message,
  input: undefined,
});
