import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { envNames } from '../../../../gateway/config/load.js';
import { commandUsage, mainUsage } from '../../../../gateway/cli/help.js';
import { easgate, ROOT } from './helpers.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('help and version', { concurrency: true }, () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    test(`easgate ${args.join(' ')} lists commands, options and every config env var on stdout`, async () => {
      const r = await easgate(args);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, mainUsage());
      for (const cmd of ['serve', 'devices', 'wbxml', 'help']) assert.match(r.stdout, new RegExp(`^  ${cmd} `, 'm'));
      for (const opt of ['--help', '--version', '--config FILE']) assert.ok(r.stdout.includes(opt), opt);
      for (const [name, path] of envNames()) assert.match(r.stdout, new RegExp(`^  ${name} +${path.join('\\.')}`, 'm'));
    });
  }

  for (const args of [['--version'], ['-v']]) {
    test(`easgate ${args[0]} prints the package version`, async () => {
      const r = await easgate(args);
      assert.deepEqual(r, { code: 0, stdout: `easgate ${version}\n`, stderr: '' });
    });
  }

  for (const cmd of ['serve', 'devices']) {
    test(`easgate ${cmd} --help, -h and easgate help ${cmd} print that command's usage`, async () => {
      for (const args of [[cmd, '--help'], [cmd, '-h'], ['help', cmd]]) {
        const r = await easgate(args);
        assert.deepEqual(r, { code: 0, stdout: commandUsage[cmd], stderr: '' }, args.join(' '));
      }
    });
  }

  test('the devices usage names every subcommand and option it accepts', () => {
    const text = commandUsage.devices!;
    for (const word of ['list', 'block', 'unblock', 'wipe', 'wipe-account', 'cancel-wipe', 'forget', '--user', '--json', '--yes', '--config']) {
      assert.ok(text.includes(word), word);
    }
  });

  test('no command: usage on stderr, exit 2', async () => {
    const r = await easgate([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Usage: easgate COMMAND/);
  });

  test('an unknown command: its name and the usage on stderr, exit 2', async () => {
    const r = await easgate(['frobnicate', '--now']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^easgate: unknown command "frobnicate"\n/);
    assert.match(r.stderr, /Usage: easgate COMMAND/);
  });

  test('help for an unknown topic is a usage error', async () => {
    const r = await easgate(['help', 'frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no help for "frobnicate"/);
  });

  test('easgate help wbxml and wbxml --help are answered by the wbxml command', {
    skip: !existsSync(join(ROOT, 'gateway/cli/wbxml.ts')) && 'gateway/cli/wbxml.ts is not written yet',
  }, async () => {
    const direct = await easgate(['wbxml', '--help']);
    const viaHelp = await easgate(['help', 'wbxml']);
    assert.equal(direct.code, 0);
    assert.deepEqual(viaHelp, direct);
  });
});
