import { z } from 'zod';
import { schemaMessage } from '../language';
import { REPLY_CATEGORIES } from '../../domain/annualReport';
import { shanghaiDate } from '../../domain/dates';
import { calendarDate, procuratorateParam } from './common';

/** The annual report (年度统计): which year of which procuratorate, and its figures. */

export const annualReportQuery = z
  .strictObject({
    year: z
      .string(schemaMessage('required, e.g. 2025', '必填，例如 2025'))
      .regex(/^\d{4}$/, schemaMessage('must be a year written YYYY', '须为年份，格式为 YYYY'))
      .transform(Number)
      .refine((year) => year >= 2000, schemaMessage('must be 2000 or later', '须为2000年或以后'))
      // A year not yet begun has nothing to count.
      .refine(
        (year) => year <= Number(shanghaiDate(Date.now()).slice(0, 4)),
        schemaMessage('must not be a future year', '不能是将来的年份'),
      )
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
    department: z.string().nullable().openapi({
      description:
        "null: the whole procuratorate's figures (检察长); a department's name: its handlers' only (部门负责人)",
    }),
    scope: z.string().openapi({ description: 'whose figures these are (统计范围), e.g. 某区人民检察院全院' }),
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
