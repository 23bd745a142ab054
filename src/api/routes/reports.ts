import { z } from 'zod';
import { principal } from '../../auth/authenticate';
import { loadAnnualReport, reportTitle, toCsv, toXlsx } from '../../reports/annual';
import { ownProcuratorate, requireRole } from '../access';
import { parse } from '../errors';
import { errorResponse } from '../schemas/common';
import { annualReportQuery, annualReportResponse } from '../schemas/reports';
import type { RouteModule } from './routeModule';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** RFC 5987 `filename*`: percent-encoded UTF-8, including the characters encodeURIComponent leaves alone. */
function encodedFilename(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function attachment(filename: string, asciiFallback: string): string {
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodedFilename(filename)}`;
}

/** The annual report (年度统计): JSON, or a CSV or XLSX download with the same figures. */
export const reportRoutes: RouteModule = {
  register(app, { db }) {
    app.get('/api/reports/annual', async (req, res) => {
      const user = principal(res);
      const { year, procuratorate, format } = parse(annualReportQuery, req.query);
      ownProcuratorate(user, procuratorate);
      requireRole(user, ['chief', 'supervisor'], 'the annual report');
      // The figures of what the caller sees (src/domain/access.ts): the 检察长 the whole procuratorate's, a
      // 部门负责人 those of their department's handlers. The report says whose they are.
      const department = user.role === 'supervisor' ? user.department : undefined;
      const report = await loadAnnualReport(db, { year, procuratorate, department });
      if (format === 'json') {
        // Checked against the documented schema at compile time.
        res.json(report satisfies z.infer<typeof annualReportResponse>);
        return;
      }
      const disposition = attachment(`${reportTitle(report)}.${format}`, `annual-report-${year}.${format}`);
      res.setHeader('content-disposition', disposition);
      if (format === 'csv') {
        res.setHeader('content-type', 'text/csv; charset=utf-8');
        res.send(toCsv(report));
      } else {
        res.setHeader('content-type', XLSX_CONTENT_TYPE);
        res.send(await toXlsx(report));
      }
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'get',
      path: '/api/reports/annual',
      summary:
        '年度统计 — the year-end table of a procuratorate (检察长) or of the caller’s department (部门负责人): clues, cases, consultations, recommendations, replies, 回复整改率, lawsuits, hearings, look-backs',
      request: { query: annualReportQuery },
      responses: {
        200: {
          description: 'the report; with format=csv or xlsx, the same rows as a download',
          content: {
            'application/json': { schema: annualReportResponse },
            'text/csv': {
              schema: z.string().openapi({
                description: 'UTF-8 with BOM; columns 指标, 项目, 数量; a last row 统计范围 says whose figures',
              }),
            },
            [XLSX_CONTENT_TYPE]: {
              schema: z.string().openapi({
                format: 'binary',
                description: 'sheet 年度统计: whose figures (统计范围), the rows, the summary and the rate definition',
              }),
            },
          },
        },
        400: {
          description: 'invalid input: each bad field and why',
          content: { 'application/json': { schema: errorResponse } },
        },
      },
    });
  },
};
