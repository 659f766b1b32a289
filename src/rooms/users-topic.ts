/** The bus topic of user-addressed messages. */
export const USERS_TOPIC = 'users';

/** A message on the users topic: a frame for, or a close of, every connection of a user. */
export type UserMessage =
  | { readonly userId: string; readonly frame: string }
  | { readonly userId: string; readonly close: string };
