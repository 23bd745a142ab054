import type { FormInstance, FormRule } from 'antd';
import type { z } from 'zod';
import type { FieldIssue } from '../api/client';

/**
 * The browser checks a form with the API's own zod request schema (src/api/schemas), so that it refuses in the
 * browser exactly what the API would refuse, and places the API's own 400 issues next to the fields they name.
 */

export type NamePath = (string | number)[];

/** An API issue's field ("measures.0", "servedAt") as a form's name path (['measures', 0]). */
export const namePathOf = (field: string): NamePath =>
  field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));

/**
 * Which issues go next to which field: an issue whose field (or the field it is in) is one of the form's goes
 * there; the rest, such as those on the body as a whole, are shown above the form.
 */
export function placeIssues(
  issues: readonly FieldIssue[],
  formFields: readonly string[],
  /** API field → form field, where the form names a field otherwise. */
  renamed: Readonly<Record<string, string>> = {},
): { fields: { name: NamePath; errors: string[] }[]; unplaced: FieldIssue[] } {
  const known = new Set(formFields);
  const errors = new Map<string, string[]>();
  const unplaced: FieldIssue[] = [];
  for (const issue of issues) {
    const path = namePathOf(issue.field);
    const candidates = path.map((_, i) => path.slice(0, path.length - i).join('.'));
    const target = candidates.map((field) => renamed[field] ?? field).find((field) => known.has(field));
    if (target === undefined) unplaced.push(issue);
    else errors.set(target, [...(errors.get(target) ?? []), issue.reason]);
  }
  return { fields: [...errors].map(([field, reasons]) => ({ name: namePathOf(field), errors: reasons })), unplaced };
}

/** Shows the issues on the form; returns those that name no field of it. */
export function showIssues(
  form: FormInstance,
  issues: readonly FieldIssue[],
  formFields: readonly string[],
  renamed?: Readonly<Record<string, string>>,
): FieldIssue[] {
  const { fields, unplaced } = placeIssues(issues, formFields, renamed);
  form.setFields(fields);
  return unplaced;
}

/** The issues a schema finds in a body, as the API would list them. */
export function issuesOf(schema: z.ZodType, body: unknown): FieldIssue[] {
  const result = schema.safeParse(body);
  return result.success
    ? []
    : result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', reason: issue.message }));
}

/**
 * A Form.Item rule checking the field with the API's schema applied to the whole body (so that checks across
 * fields, such as 送达日期 not before 作出日期, apply too); `toBody` turns the form's values into the request body.
 */
export function schemaRule(
  schema: z.ZodType,
  toBody: (values: Record<string, unknown>) => unknown,
  field: string,
): FormRule {
  return (form) => ({
    validator: async () => {
      const issue = issuesOf(schema, toBody(form.getFieldsValue(true) as Record<string, unknown>)).find(
        ({ field: named }) => named === field || named.startsWith(`${field}.`),
      );
      if (issue) throw new Error(issue.reason);
    },
  });
}
