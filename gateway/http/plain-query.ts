/**
 * The plain-text query value, MS-ASHTTP 2.2.1.1.1.2:
 * Cmd=<command>&User=<user>&DeviceId=<id>&DeviceType=<type>[&<command parameter>=<value>]...
 * Names are matched case-insensitively and the first occurrence wins; values are
 * form-decoded, which also accepts the raw "@" some clients leave in User=.
 */
import type { CommandParameters } from '../commands/types.js';
import { BadRequestError } from '../errors.js';
import { MAX_ID_LENGTH, optional, type EasRequestLine } from './eas-request-line.js';

export function parsePlainQuery(rawQuery: string): EasRequestLine {
  const values = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const key = name.toLowerCase();
    if (!values.has(key)) values.set(key, value);
  }
  const get = (name: string): string | undefined => {
    const v = values.get(name.toLowerCase());
    return v === undefined || v === '' ? undefined : v;
  };

  const command = get('Cmd');
  if (!command) throw new BadRequestError('missing-command', 'the query has no Cmd parameter');
  const deviceId = requiredId(get('DeviceId'), 'DeviceId');
  const deviceType = requiredId(get('DeviceType'), 'DeviceType');

  const params: CommandParameters = {
    ...optional('attachmentName', get('AttachmentName')),
    ...optional('collectionId', get('CollectionId')),
    ...optional('itemId', get('ItemId')),
    ...optional('longId', get('LongId')),
    ...optional('occurrence', get('Occurrence')),
    saveInSent: get('SaveInSent')?.toUpperCase() === 'T',
    acceptMultiPart: false,
  };
  return {
    encoding: 'plain',
    command,
    ...optional('user', get('User')),
    deviceId,
    deviceType,
    ...optional('policyKey', get('PolicyKey')),
    params,
  };
}

function requiredId(value: string | undefined, name: string): string {
  if (value === undefined) throw new BadRequestError(`missing-${name.toLowerCase()}`, `the query has no ${name} parameter`);
  if (value.length > MAX_ID_LENGTH) throw new BadRequestError(`invalid-${name.toLowerCase()}`, `${name} is longer than ${MAX_ID_LENGTH} characters`);
  return value;
}
