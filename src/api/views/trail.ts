import { shanghaiDate } from '../../domain/dates';
import { DEADLINE_LABELS } from '../../domain/deadlines';
import { STATUS_LABELS, type DeadlineState, type Status } from '../../domain/lifecycle';
import { eventLabel, SYSTEM_ACTOR } from '../../domain/lifecycleEvents';
import { deadlineOutcome } from '../../domain/oversight';
import { domainLabel } from '../../domain/statutoryDomains';
import type { Trail } from '../schemas/trail';

/** What a trail is made of, as the route reads it from the read model and the audit log. */
export interface TrailSource {
  recommendation: {
    id: string;
    documentNumber: string;
    caseNumber: string;
    procuratorate: string;
    agency: string;
    handler: string;
    domain: string;
    title: string;
    issuedAt: string;
    servedAt: string;
    status: string;
    closeGround: string | null;
    deadlines: readonly DeadlineState[];
  };
  events: readonly { sequence: number; type: string; actor: string; occurredAt: Date; data: unknown }[];
  auditEntries: readonly { type: string; actor: string; occurredAt: Date; hash: string }[];
  /** The names of the users who acted, by id. */
  names: ReadonlyMap<string, string>;
}

export function trailView({ recommendation: r, events, auditEntries, names }: TrailSource, now: Date): Trail {
  const nameOf = (actor: string) => (actor === SYSTEM_ACTOR ? '系统' : (names.get(actor) ?? actor));
  const today = shanghaiDate(now.getTime());
  const status = r.status as Status;
  return {
    recommendation: {
      id: r.id,
      documentNumber: r.documentNumber,
      caseNumber: r.caseNumber,
      procuratorate: r.procuratorate,
      agency: r.agency,
      handler: r.handler,
      domain: r.domain,
      domainLabel: domainLabel(r.domain),
      title: r.title,
      issuedAt: r.issuedAt,
      servedAt: r.servedAt,
      status,
      statusLabel: STATUS_LABELS[status],
      closeGround: r.closeGround as Trail['recommendation']['closeGround'],
    },
    deadlines: r.deadlines.map((d) => ({
      kind: d.kind,
      label: DEADLINE_LABELS[d.kind],
      dueDate: d.dueDate,
      metOn: d.metOn,
      late: d.late,
      outcome: deadlineOutcome(d, status, today),
    })),
    events: events.map((e) => ({
      sequence: e.sequence,
      type: e.type,
      label: eventLabel(e.type),
      actor: e.actor,
      actorName: nameOf(e.actor),
      occurredAt: e.occurredAt.toISOString(),
      data: e.data,
    })),
    // Entry ids are the installation's: they would tell how many entries other procuratorates have.
    auditEntries: auditEntries.map((a, index) => ({
      position: index + 1,
      type: a.type,
      actor: a.actor,
      occurredAt: a.occurredAt.toISOString(),
      hash: a.hash,
    })),
    generatedAt: now.toISOString(),
  };
}
