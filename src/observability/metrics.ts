import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/client';
import { shanghaiDate } from '../domain/dates';
import { FINAL_STATUSES, STATUSES } from '../domain/lifecycle';

export interface MetricsOptions {
  /** The Temporal SDK's own Prometheus endpoint (see installTemporalLogging); its text is appended to /metrics. */
  sdkMetricsUrl?: string;
}

const OPEN_STATUSES = STATUSES.filter((s) => !FINAL_STATUSES.has(s));

/** The Express route pattern, not the raw path, so that ids do not multiply the series. */
function routeOf(req: Request): string {
  return req.route ? `${req.baseUrl}${String(req.route.path)}` : '(unmatched)';
}

/**
 * GET /metrics in Prometheus text format: business gauges read from the read model at scrape time,
 * HTTP latency by route, Node process metrics, then the Temporal SDK's own metrics.
 */
export function createMetrics(db: Database, { sdkMetricsUrl }: MetricsOptions = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const latency = new Histogram({
    name: 'followup_http_request_duration_seconds',
    help: 'API request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });

  new Gauge({
    name: 'followup_recommendations_open',
    help: 'Recommendations not in a final status, by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db.recommendation.groupBy({
        by: ['status'],
        where: { status: { in: OPEN_STATUSES } },
        _count: { _all: true },
      });
      for (const status of OPEN_STATUSES) this.set({ status }, rows.find((r) => r.status === status)?._count._all ?? 0);
    },
  });
  new Gauge({
    name: 'followup_recommendations_overdue',
    help: 'Open recommendations whose next deadline lies before today (Asia/Shanghai)',
    registers: [registry],
    async collect() {
      this.set(
        await db.recommendation.count({
          where: { status: { in: OPEN_STATUSES }, nextDueAt: { lt: shanghaiDate(Date.now()) } },
        }),
      );
    },
  });
  new Gauge({
    name: 'followup_deliveries_total',
    help: 'Deliveries by channel kind and status (pending, sent, failed, cancelled)',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db.delivery.groupBy({ by: ['channelKind', 'status'], _count: { _all: true } });
      this.reset();
      for (const r of rows) this.set({ channel: r.channelKind, status: r.status }, r._count._all);
    },
  });
  new Gauge({
    name: 'followup_notifications_unread',
    help: 'Inbox notifications not yet read',
    registers: [registry],
    async collect() {
      this.set(await db.notification.count({ where: { readAt: null } }));
    },
  });

  const observe: RequestHandler = (req, res, next) => {
    const end = latency.startTimer();
    res.on('finish', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
    next();
  };

  const handler: RequestHandler = async (_req, res) => {
    const [own, sdk] = await Promise.all([registry.metrics(), sdkMetricsUrl ? scrape(sdkMetricsUrl) : '']);
    res.type(registry.contentType).send(`${own}\n${sdk}`);
  };

  return { observe, handler };
}

/** The SDK exporter's text; a comment instead when it does not answer, so the rest is still served. */
async function scrape(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.text();
  } catch (error) {
    return `# Temporal SDK metrics unavailable at ${url}: ${error instanceof Error ? error.message : String(error)}\n`;
  }
}
