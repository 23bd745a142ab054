import type { Delivery, DeliveryAttempt } from '../../generated/prisma/client';
import type { DeliveryResponse } from '../schemas/deliveries';

export type DeliveryRow = Delivery & { attempts: DeliveryAttempt[] };

/** A webhook URL's query holds its key or token: the API shows the endpoint without it. */
function shownAddress(kind: string, address: string): string {
  if (kind === 'email') return address;
  const url = new URL(address);
  return `${url.origin}${url.pathname}`;
}

/** `showAddress`: whether the viewer may see the recipient's channels (seesChannelsOf); otherwise it is left out. */
export function deliveryView(d: DeliveryRow, showAddress: boolean): DeliveryResponse {
  return {
    id: d.id,
    notificationId: d.notificationId,
    channel: d.channelKind as DeliveryResponse['channel'],
    ...(showAddress ? { address: shownAddress(d.channelKind, d.address) } : {}),
    status: d.status as DeliveryResponse['status'],
    scheduledFor: d.scheduledFor.toISOString(),
    sentAt: d.sentAt?.toISOString() ?? null,
    lastError: d.lastError,
    attempts: d.attempts
      .sort((a, b) => a.attempt - b.attempt)
      .map((a) => ({
        attempt: a.attempt,
        status: a.status as 'accepted' | 'failed',
        error: a.error,
        at: a.at.toISOString(),
      })),
  };
}
