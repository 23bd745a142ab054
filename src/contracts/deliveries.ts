import type { DeliveryPurpose } from '../domain/lifecycle';

/** The workflow that sends one reminder's deliveries (src/workflows/delivery.ts), named as its starter names it. */
export const REMINDER_DELIVERIES_WORKFLOW = 'reminderDeliveries';

/** One delivery to send at its time (epoch ms). */
export interface TimedDelivery {
  deliveryId: number;
  sendAt: number;
}

/**
 * What the activity that raised a reminder hands over, so that its deliveries are sent by a workflow of their own,
 * out of the lifecycle's history: under `workflowId` (deliveriesWorkflowIdFor) on the lifecycle's task queue,
 * checked against `announces`.
 */
export interface DeliveryHandOver {
  workflowId: string;
  taskQueue: string;
  announces: DeliveryPurpose;
}

/** What the reminderDeliveries workflow is started with. */
export interface ReminderDeliveriesInput {
  deliveries: TimedDelivery[];
  /** Read again from the read model before each attempt: a delivery whose announcement no longer holds is cancelled. */
  announces: DeliveryPurpose;
}
