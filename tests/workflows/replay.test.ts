/**
 * Replay: histories recorded with released versions of the recommendationLifecycle workflow must
 * replay with the current workflow code, or lifecycles still running in production (for months, on
 * durable timers) would fail with nondeterminism errors when the new worker picks them up.
 *
 * Procedure for maintainers — after any change to workflow code (src/workflows, or the domain code it runs):
 *   1. Record histories of the released version the running lifecycles were started by, and commit them:
 *        npx tsx scripts/record-histories.ts <released-git-rev> tests/fixtures/histories
 *      (keep the fixtures of older versions too, as long as lifecycles they started may still be running).
 *   2. Run this test. A failing replay means the change alters the commands the workflow issues for an
 *      existing history: guard the new behaviour with `patched('<change-id>')` (see 'reminder-delivery'
 *      in src/workflows/lifecycle/reminders.ts), so that old executions keep the old path.
 *
 * The negative control replays the same histories against tests/fixtures/incompatibleLifecycle.ts and
 * expects a DeterminismViolationError, so a replay that silently accepts anything would be noticed.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { bundleLifecycleWorkflows, quietLogger } from '../support/temporal';
import { workflowIdFor } from '../../src/domain/identifiers';
import type { LifecycleInput } from '../../src/contracts/lifecycle';
import type * as TemporalProto from '@temporalio/proto';
import type * as PatchProtobufRoot from '@temporalio/proto/lib/patch-protobuf-root';

const here = path.dirname(fileURLToPath(import.meta.url));
const HISTORIES = path.resolve(here, '../fixtures/histories');
const INCOMPATIBLE = path.resolve(here, '../fixtures/incompatibleLifecycle.ts');
const files = fs.existsSync(HISTORIES)
  ? fs
      .readdirSync(HISTORIES)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

/**
 * A history file (`temporal workflow show --output json` format) as a History. `historyFromJSON` throws
 * "type must be a Type" in this install: @temporalio/common and @temporalio/proto each have their own nested
 * copy of protobufjs 8 (the top-level one is 7, for @grpc/proto-loader), and the History type of the one fails
 * the other's `instanceof` check. Then the same conversion runs with the protobufjs that @temporalio/proto uses.
 */
function loadHistory(file: string): History {
  const json: unknown = JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8'));
  try {
    return historyFromJSON(json);
  } catch (error) {
    if (!(error instanceof TypeError && error.message === 'type must be a Type')) throw error;
    const require = createRequire(import.meta.url);
    const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as {
      fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
    };
    const proto = require('@temporalio/proto') as typeof TemporalProto;
    const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root') as typeof PatchProtobufRoot;
    const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
      'temporal.api.history.v1.History',
    );
    const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
    if (!history) throw new TypeError(`not a history: ${file}`, { cause: error });
    return history;
  }
}

/**
 * Histories hold no workflow id, but the lifecycle reads its own (reminderSpreadMs, from 'reminder-spread' on): the
 * one it ran under, from the recommendation it was started for (workflowIdFor); the file name for other workflows.
 */
function workflowIdOf(file: string, history: History): string {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (started?.workflowType?.name !== 'recommendationLifecycle' || !payload) return path.basename(file, '.json');
  return workflowIdFor(defaultPayloadConverter.fromPayload<LifecycleInput>(payload).recommendationId);
}

let current: WorkflowBundleOption;
let incompatible: WorkflowBundleOption;

beforeAll(async () => {
  // The negative control's nondeterminism is expected: keep the replay workers' (and core's) logging to errors.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  [current, incompatible] = await Promise.all([
    bundleLifecycleWorkflows(),
    bundleWorkflowCode({ workflowsPath: INCOMPATIBLE, logger: quietLogger }),
  ]);
});

describe('replay of recorded histories (lifecycles, rollouts, deliveries)', () => {
  it('has recorded histories to replay (tests/fixtures/histories)', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays with the current workflow code', async (file) => {
    const history = loadHistory(file);
    await expect(
      Worker.runReplayHistory({ workflowBundle: current }, history, workflowIdOf(file, history)),
    ).resolves.toBeUndefined();
  });

  it.each(files)('%s fails against an incompatible workflow (negative control)', async (file) => {
    const history = loadHistory(file);
    const outcome = await Worker.runReplayHistory(
      { workflowBundle: incompatible },
      history,
      workflowIdOf(file, history),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(DeterminismViolationError);
    expect((outcome as Error).message).toMatch(/nondeterminism/i);
  });
});
