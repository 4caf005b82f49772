// Strict UTF-8 request bodies: what is refused, what tRPC is handed.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, readTrpcBody, refuseUnreadableBody } from './utf8-body.js';

const request = (...chunks: Buffer[]) => Readable.from(chunks) as unknown as IncomingMessage & { body?: string };

describe('decodeUtf8', () => {
  it.each([
    ['ASCII', [0x68, 0x69], 'hi'],
    ['two-byte é', [0xc3, 0xa9], 'é'],
    ['four-byte emoji', [0xf0, 0x9f, 0x98, 0x80], '😀'],
    ['a lone continuation byte', [0x80], null],
    ['0xff', [0xff], null],
    ['a truncated sequence', [0xe2, 0x82], null],
    ['an overlong slash', [0xc0, 0xaf], null],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], null],
  ])('%s', (_name, bytes, expected) => {
    expect(decodeUtf8(Buffer.from(bytes))).toBe(expected);
  });
});

describe('readTrpcBody', () => {
  it('hands tRPC the text of a UTF-8 body, split across chunks anywhere', async () => {
    const req = request(Buffer.from('{"name":"Caf'), Buffer.from([0xc3]), Buffer.from([0xa9, 0x22, 0x7d]));
    await readTrpcBody(req, 1024);
    expect(req.body).toBe('{"name":"Café"}');
    expect(() => refuseUnreadableBody(req)).not.toThrow();
  });

  it('refuses a body that is not UTF-8 with BAD_REQUEST naming the input', async () => {
    const req = request(Buffer.from('{"name":"'), Buffer.from([0xff]), Buffer.from('"}'));
    await readTrpcBody(req, 1024);
    expect(() => refuseUnreadableBody(req)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', cause: expect.objectContaining({ issues: [expect.objectContaining({ path: [] })] }) }));
  });

  it('refuses a body over the limit with PAYLOAD_TOO_LARGE', async () => {
    const req = request(Buffer.alloc(600, 0x61), Buffer.alloc(600, 0x61));
    await readTrpcBody(req, 1024);
    expect(() => refuseUnreadableBody(req)).toThrow(expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }));
  });
});
