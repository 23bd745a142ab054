import type { Notification } from '../../generated/prisma/client';
import type { DeadlineKind } from '../../domain/deadlines';
import type { Audience, NoticeType } from '../../domain/reminders';
import type { NotificationResponse } from '../schemas/notifications';
import { deliveryView, type DeliveryRow } from './deliveries';

/** A notification with its deliveries; their addresses only for those who may see the recipient's channels. */
export function notificationView(
  n: Notification & { deliveries: DeliveryRow[] },
  showAddresses: boolean,
): NotificationResponse {
  return {
    id: n.id,
    recommendationId: n.recommendationId,
    recipient: n.recipient,
    audience: n.audience as Audience,
    type: n.type as NoticeType,
    deadlineKind: n.deadlineKind as DeadlineKind | null,
    dueDate: n.dueDate,
    title: n.title,
    message: n.message,
    raisedAt: n.raisedAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
    deliveries: n.deliveries.sort((a, b) => a.id - b.id).map((d) => deliveryView(d, showAddresses)),
  };
}
