import { Alert } from 'antd';
import type { ReactNode } from 'react';
import type { FieldIssue } from '../api/client';

/** A refusal shown above a form, read out at once (role alert). */
export function ErrorAlert({
  title,
  description,
  testId,
}: {
  title: ReactNode;
  description?: ReactNode;
  testId?: string;
}) {
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={title}
      description={description}
      data-testid={testId}
    />
  );
}

/** The API's refusal with the issues no field of the form could show. */
export function RefusalAlert({
  refusal,
  testId,
}: {
  refusal: { message: string; issues: readonly FieldIssue[] };
  testId: string;
}) {
  const issues = refusal.issues.map((i) => `${i.field}: ${i.reason}`).join('；');
  return <ErrorAlert title={refusal.message} description={issues || undefined} testId={testId} />;
}
