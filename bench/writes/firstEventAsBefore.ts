/**
 * "Today's workflow" for the writes benchmark: bundled in place of src/workflows/lifecycle/firstEvent.ts
 * (bench/writes/engine.ts), the lifecycle records its first event as it did before issue 14's create path, with
 * an activity and a second workflow task, and calls no patch, so it issues exactly that release's commands. The
 * benchmark counts its workflow tasks and activities per create from the histories (2 and 1) to show it.
 */
export function recordsFirstEventInFirstTask(): boolean {
  return false;
}
