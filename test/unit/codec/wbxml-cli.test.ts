/** `easgate wbxml decode|encode` (gateway/cli/wbxml.ts), driven through runWbxml with fake streams. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { runWbxml } from '../../../gateway/cli/wbxml.js';
import { FIXTURES_DIR, REPO_ROOT, readFixture } from './support/fixtures.js';

interface Run {
  code: number;
  stdout: Buffer;
  stderr: string;
}

async function run(argv: string[], stdin: string | Buffer = ''): Promise<Run> {
  const input = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  input.end(stdin);
  const code = await runWbxml(argv, { stdin: input, stdout, stderr });
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() };
}

const FOLDERSYNC = 'captured_clients/pyactivesync_monperrus_eas16.1/003-FolderSync.req.wbxml';
const SENDMAIL = 'captured_clients/pyactivesync_monperrus_eas16.1/012-SendMail.req.wbxml';

describe('easgate wbxml', () => {
  it('decode FILE prints XML', async () => {
    const r = await run(['decode', join(FIXTURES_DIR, FOLDERSYNC)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /<FolderSync xmlns="FolderHierarchy:">\n  <SyncKey>0<\/SyncKey>\n<\/FolderSync>/);
  });

  it('decode - reads stdin, as bytes, --base64 or --hex', async () => {
    const bytes = readFixture(FOLDERSYNC);
    for (const [flags, input] of [[[], bytes], [['--base64'], `${bytes.toString('base64')}\n`], [['--hex'], bytes.toString('hex').replace(/(..)/g, '$1 ')]] as const) {
      const r = await run(['decode', '-', ...flags], input);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.toString(), /<SyncKey>0<\/SyncKey>/);
    }
  });

  it('decode --redact hides opaque data, --compact prints one line', async () => {
    const r = await run(['decode', join(FIXTURES_DIR, SENDMAIL), '--redact', '--compact']);
    assert.equal(r.code, 0, r.stderr);
    const xml = r.stdout.toString();
    assert.match(xml, /<Mime wbxml:opaque="redacted">\[redacted \d+ bytes\]<\/Mime>/);
    assert.equal(xml.trimEnd().split('\n').length, 1);
  });

  it('decode of bad input: exit 1, "error at offset N: reason"', async () => {
    const r = await run(['decode'], Buffer.from('03016a000007563a03', 'hex'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error at offset 7: unknown-token: unknown tag 0x3A on code page 7 (FolderHierarchy)\n');
    const t = await run(['decode', '-'], Buffer.from('03016a00000756', 'hex'));
    assert.match(t.stderr, /^error at offset 7: truncated: /);
    const b = await run(['decode', '--base64'], 'not base64!');
    assert.equal(b.code, 1);
    assert.match(b.stderr, /^error: input: the input is not valid base64/);
  });

  it('decode --keep-unknown shows unknown tokens', async () => {
    const r = await run(['decode', '--keep-unknown'], Buffer.from('03016a000007567a0378000101', 'hex'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /<Unknown_0x3A>x<\/Unknown_0x3A>/);
  });

  it('encode turns decode output back into the same bytes', async () => {
    for (const name of [FOLDERSYNC, SENDMAIL]) {
      const xml = (await run(['decode', join(FIXTURES_DIR, name)])).stdout;
      const r = await run(['encode'], xml);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(readFixture(name)), name);
      const b64 = await run(['encode', '-', '--base64'], xml);
      assert.equal(b64.stdout.toString(), `${readFixture(name).toString('base64')}\n`);
    }
  });

  it('encode of bad XML or an unknown tag: exit 1', async () => {
    const bad = await run(['encode'], '<Sync xmlns="AirSync:"><SyncKey>');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: xml: not well-formed XML/);
    const unknown = await run(['encode'], '<Sync xmlns="AirSync:"><Bogus/></Sync>');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'error: unknown-tag: unknown tag AirSync:Bogus at Sync/Bogus\n');
  });

  it('usage errors: exit 2 with the usage text; --help: exit 0', async () => {
    for (const argv of [[], ['frobnicate'], ['decode', '--nope'], ['encode', '--hex'], ['decode', 'a', 'b'], ['decode', '--base64', '--hex']]) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, /^easgate wbxml: .*\n\nUsage: easgate wbxml decode/);
    }
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout.toString(), /^Usage: easgate wbxml decode/);
  });

  it('a missing file: exit 1', async () => {
    const r = await run(['decode', '/nonexistent/file.wbxml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read \/nonexistent\/file\.wbxml/);
  });

  it('runs on its own as a script', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'gateway/cli/wbxml.ts', 'decode', join(FIXTURES_DIR, FOLDERSYNC)], { cwd: REPO_ROOT });
    assert.match(stdout, /<SyncKey>0<\/SyncKey>/);
  });
});
