import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CommandRegistry,
  KNOWN_COMMANDS,
  knownCommandByCode,
  knownCommandByName,
  mimeBefore14,
} from '../../../../gateway/commands/registry.js';
import { PROTOCOL_VERSIONS, compareVersions, isProtocolVersion, type CommandHandler } from '../../../../gateway/commands/types.js';

const noop: CommandHandler = async () => ({ kind: 'empty' });

describe('KNOWN_COMMANDS (MS-ASHTTP 2.2.1.1.1.1.2)', () => {
  it('has the codes of the specification', () => {
    const codes = Object.fromEntries(KNOWN_COMMANDS.map((c) => [c.name, c.code]));
    assert.deepEqual(codes, {
      Sync: 0, SendMail: 1, SmartForward: 2, SmartReply: 3, GetAttachment: 4,
      FolderSync: 9, FolderCreate: 10, FolderDelete: 11, FolderUpdate: 12, MoveItems: 13,
      GetItemEstimate: 14, MeetingResponse: 15, Search: 16, Settings: 17, Ping: 18,
      ItemOperations: 19, Provision: 20, ResolveRecipients: 21, ValidateCert: 22, Find: 23,
    });
  });
  it('codes and names are unique and look up both ways', () => {
    assert.equal(new Set(KNOWN_COMMANDS.map((c) => c.code)).size, KNOWN_COMMANDS.length);
    for (const c of KNOWN_COMMANDS) {
      assert.equal(knownCommandByCode(c.code), c);
      assert.equal(knownCommandByName(c.name.toUpperCase()), c);
    }
    assert.equal(knownCommandByName('GetHierarchy'), undefined);
    assert.equal(knownCommandByCode(5), undefined);
  });
  it('version ranges: GetAttachment ends at 12.1, Find starts at 16.1', () => {
    assert.equal(knownCommandByName('GetAttachment')!.maxVersion, '12.1');
    assert.equal(knownCommandByName('Find')!.minVersion, '16.1');
    assert.equal(knownCommandByName('ItemOperations')!.minVersion, '12.0');
  });
});

describe('protocol versions', () => {
  it('are ordered and recognized', () => {
    assert.deepEqual([...PROTOCOL_VERSIONS], ['2.5', '12.0', '12.1', '14.0', '14.1', '16.0', '16.1']);
    assert.ok(compareVersions('2.5', '12.0') < 0);
    assert.ok(compareVersions('16.1', '16.0') > 0);
    assert.equal(isProtocolVersion('14.1'), true);
    assert.equal(isProtocolVersion('14'), false);
  });
  it('mimeBefore14 switches the SendMail body at 14.0', () => {
    assert.deepEqual(PROTOCOL_VERSIONS.map(mimeBefore14), ['mime', 'mime', 'mime', 'wbxml', 'wbxml', 'wbxml', 'wbxml']);
  });
});

describe('CommandRegistry', () => {
  it('fills in the spec defaults and lists names in code order', () => {
    const r = new CommandRegistry([
      { name: 'Ping', needsProvisioning: true, body: 'wbxml', handler: noop },
      { name: 'Sync', needsProvisioning: true, body: 'wbxml', handler: noop },
      { name: 'GetAttachment', needsProvisioning: true, body: 'none', handler: noop },
    ]);
    assert.deepEqual(r.names(), ['Sync', 'GetAttachment', 'Ping']);
    const ga = r.get('GetAttachment')!;
    assert.deepEqual([ga.code, ga.minVersion, ga.maxVersion], [4, '2.5', '12.1']);
    assert.equal(ga.supports('12.1'), true);
    assert.equal(ga.supports('14.0'), false);
    assert.equal(r.get('Search'), undefined);
  });

  it('lets a row narrow its versions and pick its body per version', () => {
    const r = new CommandRegistry([{ name: 'SendMail', minVersion: '12.1', needsProvisioning: true, body: mimeBefore14, handler: noop }]);
    const row = r.get('SendMail')!;
    assert.equal(row.supports('12.0'), false);
    assert.equal(row.bodyKind('12.1'), 'mime');
    assert.equal(row.bodyKind('16.1'), 'wbxml');
  });

  it('refuses duplicates and inverted ranges', () => {
    assert.throws(() => new CommandRegistry([
      { name: 'Sync', needsProvisioning: true, body: 'wbxml', handler: noop },
      { name: 'Sync', needsProvisioning: true, body: 'wbxml', handler: noop },
    ]), /twice/);
    assert.throws(() => new CommandRegistry([{ name: 'Sync', minVersion: '16.0', maxVersion: '14.0', needsProvisioning: true, body: 'wbxml', handler: noop }]), /after/);
  });
});
