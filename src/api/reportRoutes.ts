import type { Express } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { REPLY_CATEGORIES } from '../domain/annualReport';
import { shanghaiDate } from '../domain/dates';
import { loadAnnualReport, reportTitle, toCsv, toXlsx } from '../reports/annual';
import { parse } from './errors';
import { procuratorateParam } from './policySchemas';
import type { RouteDependencies } from './routeDependencies';
import { ownProcuratorate, requireRole } from './access';
import { principal } from '../auth/authenticate';
import { calendarDate, errorResponse } from './schemas';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const annualReportQuery = z
  .strictObject({
    year: z
      .string({ error: 'required, e.g. 2025' })
      .regex(/^\d{4}$/, 'must be a year written YYYY')
      .transform(Number)
      .refine((year) => year >= 2000, 'must be 2000 or later')
      // A year not yet begun has nothing to count.
      .refine((year) => year <= Number(shanghaiDate(Date.now()).slice(0, 4)), 'must not be a future year')
      .openapi({ description: '统计年度 (Asia/Shanghai calendar year)', example: '2025' }),
    procuratorate: procuratorateParam.shape.procuratorate,
    format: z
      .enum(['json', 'csv', 'xlsx'])
      .default('json')
      .openapi({ description: 'json, or a download: csv (UTF-8 with BOM) or xlsx' }),
  })
  .openapi('AnnualReportQuery');

const count = z.object({ label: z.string(), value: z.number().int() });
const section = <F extends z.ZodType>(figures: F, description: string) =>
  z.object({ label: z.string().openapi({ description: '指标' }), figures }).openapi({ description });
const byCode = (what: string, note = '') =>
  section(z.record(z.string(), count), `one figure per ${what} code, zeros included${note}`);

export const annualReportResponse = z
  .object({
    procuratorate: z.string(),
    year: z.number().int(),
    asOf: calendarDate.openapi({ description: 'the day replies and rectification are judged on (today)' }),
    sections: z.object({
      cluesBySource: byCode('clue source (线索来源)', '; a clue is counted with the case filed on it in the year'),
      casesByType: byCode('case type', ', after `total`'),
      casesByDomain: byCode('statutory domain'),
      consultations: section(
        z.object({ held: count, rectifiedByConsultation: count }),
        'consultations (磋商) held in the year',
      ),
      recommendations: section(
        z.object({ issued: count, announcedService: count }),
        'recommendations issued in the year (by issuedAt)',
      ),
      replies: section(
        z.object(Object.fromEntries(Object.keys(REPLY_CATEGORIES).map((k) => [k, count]))),
        'the recommendations issued in the year, each in one reply category',
      ),
      replyRectificationRate: section(
        z.object({
          rectified: count,
          issued: count,
          rate: z.object({ label: z.string(), value: z.number().nullable(), unit: z.literal('%') }),
        }),
        '回复整改率, with one decimal; null when none was issued',
      ).extend({ definition: z.string() }),
      suspensions: section(z.object({ suspended: count }), 'suspensions (中止审查) in the year'),
      terminations: section(z.object({ closed: count }), 'terminations (终结) in the year'),
      lawsuits: byCode(
        'lawsuit kind',
        '; administrative ones follow recommendations, civil and criminal_incidental_civil ones are brought on cases',
      ),
      hearings: section(z.object({ held: count }), 'public hearings (公开听证) held in the year'),
      lookBacks: section(z.object({ conducted: count, relapsed: count }), 'look-backs (回头看) conducted in the year'),
    }),
    summary: z.string().openapi({ description: 'the year-end summary paragraph' }),
  })
  .openapi('AnnualReport');

/** RFC 5987 `filename*`: percent-encoded UTF-8, including the characters encodeURIComponent leaves alone. */
function encodedFilename(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function attachment(filename: string, asciiFallback: string): string {
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodedFilename(filename)}`;
}

/** The annual report (年度统计): JSON, or a CSV or XLSX download with the same figures. */
export function registerReportRoutes(app: Express, { db }: RouteDependencies): void {
  app.get('/api/reports/annual', async (req, res) => {
    const user = principal(res);
    const { year, procuratorate, format } = parse(annualReportQuery, req.query);
    ownProcuratorate(user, procuratorate);
    requireRole(user, ['chief', 'supervisor'], 'the annual report');
    const report = await loadAnnualReport(db, { year, procuratorate });
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
}

export function documentReportRoutes(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/reports/annual',
    summary:
      '年度统计 — the year-end table of a procuratorate: clues, cases, consultations, recommendations, replies, 回复整改率, lawsuits, hearings, look-backs',
    request: { query: annualReportQuery },
    responses: {
      200: {
        description: 'the report; with format=csv or xlsx, the same rows as a download',
        content: {
          'application/json': { schema: annualReportResponse },
          'text/csv': { schema: z.string().openapi({ description: 'UTF-8 with BOM; columns 指标, 项目, 数量' }) },
          [XLSX_CONTENT_TYPE]: {
            schema: z.string().openapi({
              format: 'binary',
              description: 'sheet 年度统计: the rows, the summary and the rate definition',
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
}
