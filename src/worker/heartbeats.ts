import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** Heartbeats per heartbeat timeout: the SDK passes them on at most every 80 % of it, so a few are plenty. */
const BEATS_PER_TIMEOUT = 5;

/**
 * Heartbeats, while it runs, for every activity whose workflow asked for them (a heartbeat timeout): Temporal
 * then learns within that timeout that the worker running the activity has died, and retries it elsewhere,
 * instead of waiting out its whole start-to-close timeout. The activities themselves stay plain functions.
 */
export const heartbeatWhileRunning: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      const timeoutMs = context.info.heartbeatTimeoutMs;
      if (!timeoutMs) return next(input);
      context.heartbeat();
      const beat = setInterval(() => context.heartbeat(), timeoutMs / BEATS_PER_TIMEOUT);
      try {
        return await next(input);
      } finally {
        clearInterval(beat);
      }
    },
  },
});
