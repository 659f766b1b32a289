import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled client (`dist/client/*.js` and the `dist/errors/error-codes.js`
 * it imports) as browser ES modules, read once from the build this app runs
 * from. Only these files are ever served: names are looked up, never joined
 * into paths.
 */
export class ClientAssets {
  private readonly files = new Map<string, string>();

  constructor(buildRoot: URL = new URL('../../', import.meta.url)) {
    const clientDir = fileURLToPath(new URL('client/', buildRoot));
    if (existsSync(clientDir)) {
      for (const name of readdirSync(clientDir)) {
        if (name.endsWith('.js')) {
          this.files.set(
            `client/${name}`,
            readFileSync(new URL(`client/${name}`, buildRoot), 'utf8'),
          );
        }
      }
    }
    const codes = new URL('errors/error-codes.js', buildRoot);
    if (existsSync(codes)) this.files.set('errors/error-codes.js', readFileSync(codes, 'utf8'));
  }

  /** True when the app runs from a build that holds the client (`npm start`). */
  get available(): boolean {
    return this.files.has('client/index.js');
  }

  /** The module at `folder/name`, or `undefined`. */
  get(folder: string, name: string): string | undefined {
    return this.files.get(`${folder}/${name}`);
  }
}
