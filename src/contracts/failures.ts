import type { UnstorableInput } from '../domain/storableText';

/**
 * Failure types that cross the line between activities, workflows and the API (an ApplicationFailure's
 * `type`), so that each side names them the same way.
 */

/** recordEvent could not store the event for a reason retrying cannot fix (the database refuses it). */
export const UNRECORDABLE_EVENT = 'UnrecordableEvent';

/** An Update's input holds text the databases cannot store: refused by its validator, nothing changed. */
export const UNSTORABLE_INPUT: UnstorableInput['name'] = 'UnstorableInput';

/** An Update's validator found the act not allowed by the procedure now: nothing changed (the API answers 409). */
export const TRANSITION_REJECTED = 'TransitionRejected';

/**
 * The first detail of a TRANSITION_REJECTED or UNSTORABLE_INPUT failure: its reason in Chinese (for UNSTORABLE_INPUT,
 * the field's reason; the message names the field), so that the API answers in the language the client asks for.
 */
export interface ReasonInChinese {
  zh: string;
}
