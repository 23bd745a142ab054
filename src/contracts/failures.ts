import type { UnstorableInput } from '../domain/storableText';

/**
 * Failure types that cross the line between activities, workflows and the API (an ApplicationFailure's
 * `type`), so that each side names them the same way.
 */

/** recordEvent could not store the event for a reason retrying cannot fix (the database refuses it). */
export const UNRECORDABLE_EVENT = 'UnrecordableEvent';

/** An Update's input holds text the databases cannot store: refused by its validator, nothing changed. */
export const UNSTORABLE_INPUT: UnstorableInput['name'] = 'UnstorableInput';
