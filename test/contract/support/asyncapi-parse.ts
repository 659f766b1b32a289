import { type AsyncAPIDocumentInterface, Parser } from '@asyncapi/parser';
import { expect } from 'vitest';

/** What a request operation says: its event, the reply's event, every reply message. */
export interface OperationSummary {
  id: string;
  action: string;
  events: string[];
  replies: string[];
}

/**
 * Parses an AsyncAPI document and fails on any error or warning. The only
 * diagnostic allowed is the parser's hint that a newer 3.x exists.
 */
export async function parseStrict(
  text: string,
): Promise<{ document: AsyncAPIDocumentInterface; operations: OperationSummary[] }> {
  const { document, diagnostics } = await new Parser().parse(text);
  expect(diagnostics.filter((diagnostic) => diagnostic.code !== 'asyncapi-latest-version')).toEqual(
    [],
  );
  expect(diagnostics.every((diagnostic) => diagnostic.severity >= 2)).toBe(true);
  if (!document) throw new Error('No document');
  const operations = document
    .operations()
    .all()
    .map((operation) => ({
      id: operation.id() ?? '',
      action: operation.action(),
      events: operation
        .messages()
        .all()
        .map((message) => message.name() ?? ''),
      replies:
        operation
          .reply()
          ?.messages()
          .all()
          .map((message) => message.name() ?? '') ?? [],
    }));
  return { document, operations };
}
