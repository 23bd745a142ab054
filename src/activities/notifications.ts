import type { Database } from '../db/client';
import type { Prisma } from '../generated/prisma/client';
import type { RecommendationDetails } from '../domain/recommendation';
import { addCalendarDays, type CalendarDate } from '../domain/dates';
import { digestEntries, digestMessage, DIGEST_HORIZON_DAYS, type DigestRecommendation } from '../domain/digest';
import { FINAL_STATUSES, type DeadlineState, type Status } from '../domain/lifecycle';
import { sendableFrom, type Audience, type NoticeType, type Reminder, type SendingWindow } from '../domain/reminders';
import { loadCalendar, loadCalendars } from './calendar';
import { sees } from '../domain/access';
import { activityLog } from '../observability/activityLog';

/** A delivery waiting for its time: the workflow sleeps until `sendAt`, then runs `deliver`. */
export interface PlannedDelivery {
  deliveryId: number;
  /** Epoch ms: the first instant outside quiet hours (and rest days, unless the policy lets the type through). */
  sendAt: number;
}

export interface NotifyInput {
  recommendationId: string;
  details: Pick<RecommendationDetails, 'procuratorate' | 'handler'>;
  /** A deadline reminder, a look-back reminder, or a reminder to the approver of a pending proposal (no deadline). */
  reminder: Pick<Reminder, 'key' | 'days'> & {
    type: NoticeType;
    deadlineKind: Reminder['deadlineKind'] | 'look_back' | null;
    dueDate: CalendarDate | null;
  };
  audiences: Audience[];
  /** People not to tell, whatever their level: the proposer of an approval they are waiting for. */
  exclude?: string[];
  title: string;
  message: string;
  /** ISO instant (workflow time) the reminder was raised. */
  raisedAt: string;
  window: SendingWindow;
}

export interface DigestInput {
  date: CalendarDate;
  /** ISO instant (workflow time) of the digest run. */
  raisedAt: string;
}

interface Recipient {
  id: string;
  audience: Audience;
  channels: { id: number; kind: string; address: string }[];
}

type Tx = Prisma.TransactionClient;

/**
 * Who hears of a recommendation at these escalation levels: its handler, the supervisors of the
 * handler's department, the procuratorate's chief. A handler with no person record still gets the inbox.
 */
async function recipientsFor(
  db: Tx,
  details: NotifyInput['details'],
  audiences: readonly Audience[],
): Promise<Recipient[]> {
  const include = { channels: { orderBy: { id: 'asc' as const } } };
  const handler = await db.person.findUnique({ where: { id: details.handler }, include });
  const found: Recipient[] = [];
  const add = (audience: Audience, people: { id: string; active: boolean; channels: Recipient['channels'] }[]) => {
    for (const person of people) {
      if (person.active && !found.some((r) => r.id === person.id))
        found.push({ id: person.id, audience, channels: person.channels });
    }
  };
  for (const audience of audiences) {
    if (audience === 'handler') {
      if (handler) add('handler', [handler]);
      else found.push({ id: details.handler, audience, channels: [] });
    } else if (audience === 'supervisor' && handler) {
      add(
        'supervisor',
        await db.person.findMany({
          where: { role: 'supervisor', procuratorate: details.procuratorate, department: handler.department },
          include,
          orderBy: { id: 'asc' },
        }),
      );
    } else if (audience === 'chief') {
      add(
        'chief',
        await db.person.findMany({
          where: { role: 'chief', procuratorate: details.procuratorate },
          include,
          orderBy: { id: 'asc' },
        }),
      );
    }
  }
  return found;
}

/** Writes one inbox notification and its pending deliveries, each keyed so that a retry finds them again. */
async function writeNotification(
  tx: Tx,
  recipient: Recipient,
  data: Omit<Prisma.NotificationUncheckedCreateInput, 'recipient' | 'audience'>,
  sendAt: number,
): Promise<PlannedDelivery[]> {
  const notification = await tx.notification.upsert({
    where: { key: data.key },
    create: { ...data, recipient: recipient.id, audience: recipient.audience },
    update: {},
  });
  const planned: PlannedDelivery[] = [];
  for (const channel of recipient.channels) {
    const delivery = await tx.delivery.upsert({
      where: { key: `${data.key}:${channel.id}` },
      create: {
        key: `${data.key}:${channel.id}`,
        notificationId: notification.id,
        channelId: channel.id,
        channelKind: channel.kind,
        address: channel.address,
        scheduledFor: new Date(sendAt),
      },
      update: {},
    });
    if (delivery.status === 'pending')
      planned.push({ deliveryId: delivery.id, sendAt: delivery.scheduledFor.getTime() });
  }
  return planned;
}

export interface ScheduleLookBackInput {
  recommendationId: string;
  details: Pick<RecommendationDetails, 'procuratorate' | 'caseNumber'>;
  dueOn: CalendarDate;
}

export function createNotificationActivities(db: Database) {
  return {
    /** The look-back (回头看) row the handler records it on, tied to the recommendation and its case. */
    async scheduleLookBack({ recommendationId, details, dueOn }: ScheduleLookBackInput): Promise<void> {
      const found = await db.case.findUnique({
        where: { procuratorate_caseNumber: { procuratorate: details.procuratorate, caseNumber: details.caseNumber } },
        select: { id: true },
      });
      await db.lookBack.upsert({
        where: { recommendationId },
        create: { recommendationId, caseId: found?.id ?? null, dueOn },
        update: {},
      });
    },

    /** Puts a reminder in the inbox of everyone at its escalation levels and plans its deliveries on their channels. */
    async notify(input: NotifyInput): Promise<PlannedDelivery[]> {
      const calendar = await loadCalendar(db, input.details.procuratorate);
      const sendAt = sendableFrom(Date.parse(input.raisedAt), input.reminder.type, input.window, (d) =>
        calendar.isWorkingDay(d),
      );
      activityLog()?.info('notifying', {
        recommendationId: input.recommendationId,
        reminderKey: input.reminder.key,
        type: input.reminder.type,
        audiences: input.audiences,
        sendAt: new Date(sendAt).toISOString(),
      });
      return db.$transaction(async (tx) => {
        const planned: PlannedDelivery[] = [];
        const recipients = (await recipientsFor(tx, input.details, input.audiences)).filter(
          (r) => !input.exclude?.includes(r.id),
        );
        for (const recipient of recipients) {
          const data = {
            key: `${input.recommendationId}:${input.reminder.key}:${recipient.id}`,
            recommendationId: input.recommendationId,
            reminderKey: input.reminder.key,
            type: input.reminder.type,
            deadlineKind: input.reminder.deadlineKind,
            dueDate: input.reminder.dueDate,
            title: input.title,
            message: input.message,
            raisedAt: new Date(input.raisedAt),
          };
          planned.push(...(await writeNotification(tx, recipient, data, sendAt)));
        }
        return planned;
      });
    },

    /**
     * The daily digest of each active person: handlers their own open recommendations, supervisors their
     * department's, chiefs their procuratorate's. Nothing on their procuratorate's rest days, and no digest with
     * nothing to say.
     */
    async composeDigests({ date, raisedAt }: DigestInput): Promise<PlannedDelivery[]> {
      const calendarOf = await loadCalendars(db);
      const [people, rows] = await Promise.all([
        db.person.findMany({
          where: { active: true },
          include: { channels: { orderBy: { id: 'asc' } } },
          orderBy: { id: 'asc' },
        }),
        db.recommendation.findMany({
          where: {
            status: { notIn: [...FINAL_STATUSES] },
            nextDueAt: { lte: addCalendarDays(date, DIGEST_HORIZON_DAYS) },
          },
          select: {
            procuratorate: true,
            documentNumber: true,
            agency: true,
            handler: true,
            status: true,
            deadlines: true,
          },
        }),
      ]);
      const departmentOf = new Map(people.map((p) => [p.id, p.department]));
      const recommendations = rows.map((r) => ({
        ...r,
        status: r.status as Status,
        deadlines: (r.deadlines ?? []) as unknown as DeadlineState[],
      }));
      const planned: PlannedDelivery[] = [];
      for (const person of people) {
        if (person.role === 'admin' || !calendarOf(person.procuratorate).isWorkingDay(date)) continue;
        const mine = recommendations.filter((r): r is DigestRecommendation & { procuratorate: string } =>
          sees(person, r, departmentOf.get(r.handler)),
        );
        const digest = digestMessage(digestEntries(mine, date), date, person.role !== 'handler');
        if (!digest) continue;
        const recipient: Recipient = { id: person.id, audience: person.role as Audience, channels: person.channels };
        const data = {
          key: `digest:${date}:${person.id}`,
          type: 'digest',
          title: digest.title,
          message: digest.text,
          raisedAt: new Date(raisedAt),
        };
        planned.push(...(await db.$transaction((tx) => writeNotification(tx, recipient, data, Date.parse(raisedAt)))));
      }
      return planned;
    },
  };
}
