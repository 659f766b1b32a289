/**
 * Key-value keys and subjects allow only some characters: names chosen by
 * clients (rooms, members, topics) are written as one base64url token,
 * prefixed so that an empty name is still a token.
 */
export function token(name: string): string {
  return `s${Buffer.from(name).toString('base64url')}`;
}

export function fromToken(value: string): string {
  return Buffer.from(value.slice(1), 'base64url').toString();
}
