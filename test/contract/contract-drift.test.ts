import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Type } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import contractModule from '../../src/app/contract.module.js';
import { buildAsyncApiDocument } from '../../src/asyncapi/asyncapi-document.js';
import { assertSameContract } from '../../src/asyncapi/contract-diff.js';
import { contractTypes } from '../../src/asyncapi/contract-types.js';
import { gatewayContract } from '../../src/asyncapi/gateway-contract.js';
import { asyncApiOfModule } from '../../src/cli/asyncapi.command.js';
import { ShopV1Gateway, ShopV2Gateway, ShopV3Gateway } from './support/shop.gateways.js';

const root = resolve(import.meta.dirname, '../..');
const ACCEPT = 'run `npm run contract:accept` and commit contract/';

function documentOf(gateway: Type): Record<string, unknown> {
  return buildAsyncApiDocument({
    gateways: [gatewayContract(gateway)],
    info: { title: 'shop', version: '1' },
    server: { host: 'localhost', protocol: 'ws' },
    auth: undefined,
  });
}

/** The message `assertSameContract` throws, or `undefined`. */
function checkMessage(before: Type, after: Type): string | undefined {
  try {
    assertSameContract(documentOf(before), documentOf(after), ACCEPT);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('breaking changes are caught', () => {
  it("the committed contract/asyncapi.json is the reference app's document, regenerated now", async () => {
    const committed = JSON.parse(readFileSync(join(root, 'contract/asyncapi.json'), 'utf8'));
    const current = JSON.parse(JSON.stringify(await asyncApiOfModule(contractModule())));
    assertSameContract(committed, current, ACCEPT);
  }, 60_000);

  it('the committed contract types are those of the committed document', () => {
    const committed = JSON.parse(readFileSync(join(root, 'contract/asyncapi.json'), 'utf8'));
    const types = readFileSync(join(root, 'contract/reference-app.contract.d.ts'), 'utf8');
    expect(types).toBe(contractTypes(committed, { name: 'ReferenceAppContract' }));
  });

  it('passes an unchanged contract', () => {
    expect(checkMessage(ShopV1Gateway, ShopV1Gateway)).toBeUndefined();
  });

  it('fails when a DTO loses a field, with a sentence naming it', () => {
    expect(checkMessage(ShopV1Gateway, ShopV2Gateway)).toBe(
      [
        'The contract changed and the change is not reviewed:',
        '- BREAKING: /shop event `order.place` request: field `note` was removed (a client that sends it is now refused)',
        `If it is intended, ${ACCEPT}.`,
      ].join('\n'),
    );
  });

  it('names an event removed, a required field added, a type and a length narrowed, a value no longer accepted', () => {
    expect(checkMessage(ShopV1Gateway, ShopV3Gateway)?.split('\n').slice(1, -1)).toEqual([
      '- BREAKING: /shop event `order.place` request: required field `currency` was added',
      '- BREAKING: /shop event `order.place` request: field `quantity` changed type from number to integer',
      '- BREAKING: /shop event `order.place` request: field `note` was narrowed: maxLength 64 → 32',
      '- BREAKING: /shop event `order.place` request: field `payment` was narrowed: no longer "cash"',
      '- BREAKING: /shop event `order.cancel` was removed',
    ]);
  });

  it('calls additions compatible, but still asks for a review', () => {
    expect(checkMessage(ShopV3Gateway, ShopV1Gateway)?.split('\n').slice(1, -1)).toEqual([
      '- BREAKING: /shop event `order.place` request: field `currency` was removed (a client that sends it is now refused)',
      '- compatible: /shop event `order.place` request: field `quantity` changed type from integer to number',
      '- compatible: /shop event `order.place` request: field `note` was widened: maxLength 32 → 64',
      '- compatible: /shop event `order.place` request: field `payment` was widened: now also "cash"',
      '- compatible: /shop event `order.cancel` was added',
    ]);
  });
});
