import { describe, expect, it } from 'vitest';
import { ConnectionIndex } from '../../src/auth/connection-index.js';

interface Conn {
  name: string;
}

const conn = (name: string): Conn => ({ name });

describe('ConnectionIndex: connections by user or token id, oldest first', () => {
  it('counts, lists and finds the oldest of one, then several, connections of a key', () => {
    const index = new ConnectionIndex<string, Conn>();
    const [a, b, c] = [conn('a'), conn('b'), conn('c')];
    expect(index.count('alice')).toBe(0);
    expect(index.list('alice')).toEqual([]);
    expect(index.oldest('alice')).toBeUndefined();

    index.add('alice', a);
    index.add('alice', a);
    expect(index.count('alice')).toBe(1);
    expect(index.list('alice')).toEqual([a]);
    expect(index.oldest('alice')).toBe(a);

    index.add('alice', b);
    index.add('alice', c);
    index.add('bob', conn('d'));
    expect(index.count('alice')).toBe(3);
    expect(index.list('alice')).toEqual([a, b, c]);
    expect(index.oldest('alice')).toBe(a);
    expect(index.keys()).toEqual(['alice', 'bob']);
  });

  it('keeps the order as connections leave, down to none, and forgets the key', () => {
    const index = new ConnectionIndex<string, Conn>();
    const [a, b, c] = [conn('a'), conn('b'), conn('c')];
    for (const each of [a, b, c]) index.add('alice', each);

    index.delete('alice', a);
    expect(index.list('alice')).toEqual([b, c]);
    expect(index.oldest('alice')).toBe(b);
    index.delete('alice', c);
    expect(index.list('alice')).toEqual([b]);
    expect(index.count('alice')).toBe(1);
    // Back to one, then more again: the order is still by arrival.
    index.add('alice', a);
    expect(index.list('alice')).toEqual([b, a]);
    index.delete('alice', b);
    index.delete('alice', a);
    expect(index.count('alice')).toBe(0);
    expect(index.keys()).toEqual([]);
  });

  it('ignores a connection the key does not have, and an undefined key', () => {
    const index = new ConnectionIndex<string, Conn>();
    const [a, b, stranger] = [conn('a'), conn('b'), conn('stranger')];
    index.add('alice', a);
    index.delete('alice', stranger);
    index.delete(undefined, a);
    index.delete('bob', a);
    expect(index.list('alice')).toEqual([a]);
    index.add('alice', b);
    index.delete('alice', stranger);
    expect(index.list('alice')).toEqual([a, b]);
  });

  it('gives a copy: closing connections while walking the list skips none', () => {
    const index = new ConnectionIndex<string, Conn>();
    const all = ['a', 'b', 'c'].map(conn);
    for (const each of all) index.add('alice', each);
    const seen: string[] = [];
    for (const each of index.list('alice')) {
      seen.push(each.name);
      index.delete('alice', each);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(index.count('alice')).toBe(0);
  });
});
