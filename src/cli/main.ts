#!/usr/bin/env node
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeChanges } from '../asyncapi/contract-diff.js';
import { contractTypes } from '../asyncapi/contract-types.js';
import { asyncApiOf } from './asyncapi.command.js';

const USAGE = `Usage:
  nestjs-secure-ws asyncapi --module <file.js> [--export <name>] [--host <host:port>] [--protocol ws|wss] [--out <file>]
      The AsyncAPI 3.0 document of the app whose root module <file.js> exports
      (its default export, a module class, a DynamicModule or a function returning one).
  nestjs-secure-ws check --module <file.js> --against <asyncapi.json> [--export <name>]
      Exits 1, naming each change (breaking ones first), when the app's document
      differs from the reviewed one.
  nestjs-secure-ws types --input <asyncapi.json> [--name <TypeName>] [--channel <id or path>] [--out <file>]
      The TypeScript contract of that document, for WsClient<TypeName>.
Without --out, the result is written to standard output.`;

function write(text: string, out: string | undefined): void {
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      module: { type: 'string' },
      export: { type: 'string' },
      host: { type: 'string' },
      protocol: { type: 'string' },
      out: { type: 'string' },
      input: { type: 'string' },
      name: { type: 'string' },
      channel: { type: 'string' },
      against: { type: 'string' },
    },
  });
  if (command === 'asyncapi' && values.module) {
    if (values.protocol !== undefined && values.protocol !== 'ws' && values.protocol !== 'wss') {
      throw new Error('--protocol must be ws or wss.');
    }
    const document = await asyncApiOf({
      module: values.module,
      export: values.export,
      host: values.host,
      protocol: values.protocol,
    });
    write(`${JSON.stringify(document, null, 2)}\n`, values.out);
    return;
  }
  if (command === 'check' && values.module && values.against) {
    const reviewed = JSON.parse(readFileSync(values.against, 'utf8')) as Record<string, unknown>;
    const current = await asyncApiOf({ module: values.module, export: values.export });
    const report = describeChanges(reviewed, JSON.parse(JSON.stringify(current)));
    if (report === undefined) return;
    process.stderr.write(`The contract differs from ${values.against}:\n${report}\n`);
    process.exitCode = 1;
    return;
  }
  if (command === 'types' && values.input) {
    const document = JSON.parse(readFileSync(values.input, 'utf8')) as Record<string, unknown>;
    write(contractTypes(document, { name: values.name, channel: values.channel }), values.out);
    return;
  }
  throw new Error(USAGE);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
