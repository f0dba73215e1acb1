/**
 * The layering rules of docs/architecture.md, enforced by eslint.config.js: a
 * synthetic file in each layer imports what it must not, and the rule must fire.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, 'eslint.config.js') });

async function restricted(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, file) });
  assert.ok(result);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering rules (eslint.config.js)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['codec/synthetic.ts', "import { GatewayError } from '../gateway/errors.js';", true],
    ['codec/codepages/synthetic.ts', "import type { Config } from '../../gateway/config/schema.js';", true],
    ['codec/synthetic.ts', "import Koa from 'koa';", true],
    ['codec/synthetic.ts', "import { pino } from 'pino';", true],
    ['codec/synthetic.ts', "import { ImapFlow } from 'imapflow';", true],
    ['codec/synthetic.ts', "import { el } from './tree.js';", false],
    ['gateway/commands/synthetic.ts', "import { ImapCredentialVerifier } from '../adapters/imap/imap-credential-verifier.js';", true],
    ['gateway/commands/sync/synthetic.ts', "import { createApp } from '../../http/app.js';", true],
    ['gateway/commands/synthetic.ts', "import { ImapFlow } from 'imapflow';", true],
    ['gateway/commands/synthetic.ts', "import nodemailer from 'nodemailer';", true],
    ['gateway/commands/synthetic.ts', "import type { Context } from 'koa';", true],
    ['gateway/commands/synthetic.ts', "import type { CommandPorts } from '../ports/index.js';", false],
    ['gateway/commands/synthetic.ts', "import http from 'node:http';", false],
    ['gateway/convert/synthetic.ts', "import { CommandRegistry } from '../commands/registry.js';", true],
    ['gateway/convert/synthetic.ts', "import { openStateStore } from '../adapters/state/open.js';", true],
    ['gateway/sync/synthetic.ts', "import { ImapFlow } from 'imapflow';", true],
    ['gateway/sync/synthetic.ts', "import { emptyBody } from '../http/response.js';", true],
    ['gateway/sync/synthetic.ts', "import type { StateStore } from '../ports/state-store.js';", false],
    ['gateway/ports/synthetic.ts', "import { ImapHealthCheck } from '../adapters/imap/imap-health-check.js';", true],
    ['gateway/http/synthetic.ts', "import { CommandRegistry } from '../commands/registry.js';", false],
  ];
  for (const [file, source, fires] of cases) {
    it(`${fires ? 'refuses' : 'allows'} in ${file}: ${source}`, async () => {
      const messages = await restricted(file, `${source}\nexport {};\n`);
      assert.equal(messages.length > 0, fires, messages.join('; '));
    });
  }
});
