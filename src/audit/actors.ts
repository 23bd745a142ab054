import os from 'node:os';

/** The audit log's actor for the operator: the operating-system account that ran the command. */
export function operatorActor(): string {
  let user: string | undefined;
  try {
    user = os.userInfo().username;
  } catch {
    // A container user without a passwd entry: its uid still says who it was.
  }
  return `operator:${user || process.env.USER || `uid-${process.getuid?.() ?? 'unknown'}`}`;
}
