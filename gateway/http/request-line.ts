/**
 * The EAS request line: what the URI query (plain or base64, MS-ASHTTP 2.2.1.1.1) and
 * the EAS request headers (2.2.1.1.2) say, merged into one shape. Nothing here is
 * validated against what the gateway supports; dispatch.ts does that.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseBase64Query, looksLikeBase64Query } from './base64-query.js';
import { parsePlainQuery } from './plain-query.js';
import type { EasRequestLine } from './eas-request-line.js';

export type { EasRequestLine } from './eas-request-line.js';

/** Throws BadRequestError for a request line that cannot be read. */
export function parseRequestLine(rawQuery: string, headers: IncomingHttpHeaders): EasRequestLine {
  const fromQuery = looksLikeBase64Query(rawQuery) ? parseBase64Query(rawQuery) : parsePlainQuery(rawQuery);
  return withHeaders(fromQuery, headers);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The base64 query carries version and policy key itself, and MS-ASHTTP says the headers
 * SHOULD NOT be sent with it; when a client sends both, the query wins. With the plain
 * query the headers are the only source, except that some clients (pyactivesync) put
 * the policy key in a PolicyKey query parameter, which the header overrides.
 */
function withHeaders(line: EasRequestLine, headers: IncomingHttpHeaders): EasRequestLine {
  const version = header(headers, 'ms-asprotocolversion');
  const policyKey = header(headers, 'x-ms-policykey');
  const acceptMultiPart = header(headers, 'ms-asacceptmultipart');
  const base64 = line.encoding === 'base64';
  return {
    ...line,
    protocolVersion: base64 ? line.protocolVersion ?? version : version,
    policyKey: base64 ? line.policyKey ?? policyKey : policyKey ?? line.policyKey,
    params: acceptMultiPart?.toUpperCase() === 'T' ? { ...line.params, acceptMultiPart: true } : line.params,
  };
}
