// Twilio's signature scheme against the example in Twilio's security documentation (the vector
// twilio-php's and twilio-csharp's RequestValidator tests use), and requests that were tampered with.
import { describe, expect, it } from 'vitest';
import { isValidTwilioSignature, twilioSignature } from './twilio-signature.js';

const AUTH_TOKEN = '12345';
const URL_CALLED = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
const DOCUMENTED_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('twilioSignature', () => {
  it("computes the documented example's signature, whatever the order of the parameters", () => {
    expect(twilioSignature(AUTH_TOKEN, URL_CALLED, PARAMS)).toBe(DOCUMENTED_SIGNATURE);
    const shuffled = new URLSearchParams([['To', '+18005551212'], ['Digits', '1234'], ['From', '+14158675309'], ['CallSid', 'CA1234567890ABCDE'], ['Caller', '+14158675309']]);
    expect(twilioSignature(AUTH_TOKEN, URL_CALLED, shuffled)).toBe(DOCUMENTED_SIGNATURE);
  });

  it('signs a repeated parameter once per distinct value, in sorted order (twilio-php vector)', () => {
    const repeated = new URLSearchParams([['Sid', 'CA123'], ['SidAccount', 'AC123'], ['Digits', '5678'], ['Digits', '1234'], ['Digits', '1234']]);
    expect(twilioSignature(AUTH_TOKEN, URL_CALLED, repeated)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });
});

describe('isValidTwilioSignature', () => {
  it("accepts the documented example's signature", () => {
    expect(isValidTwilioSignature(AUTH_TOKEN, DOCUMENTED_SIGNATURE, URL_CALLED, PARAMS)).toBe(true);
  });

  // Twilio signs with or without the port depending on the product; its libraries accept both (twilio-php vectors).
  it.each([
    ['a non-standard port Twilio left out', 'https://mycompany.com:1234/myapp.php?foo=1&bar=2', DOCUMENTED_SIGNATURE],
    ['https signed with :443', URL_CALLED, 'kvajT1Ptam85bY51eRf/AJRuM3w='],
    ['http signed with :80', 'http://mycompany.com/myapp.php?foo=1&bar=2', '0ZXoZLH/DfblKGATFgpif+LLRf4='],
    ['http signed with its port', 'http://mycompany.com:1234/myapp.php?foo=1&bar=2', 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU='],
    ['credentials in the URL', 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'CukzLTc1tT5dXEDIHm/tKBanW10='],
    ['credentials in the URL, signed with :443', 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'ZQFR1PTIZXF2MXB8ZnKCvnnA+rI='],
  ])('accepts %s', (_case, url, signature) => {
    expect(isValidTwilioSignature(AUTH_TOKEN, signature, url, PARAMS)).toBe(true);
  });

  it.each([
    ['a changed parameter value', AUTH_TOKEN, URL_CALLED, { ...PARAMS, Digits: '9999' }, DOCUMENTED_SIGNATURE],
    ['an added parameter', AUTH_TOKEN, URL_CALLED, { ...PARAMS, Body: 'pay now' }, DOCUMENTED_SIGNATURE],
    ['a removed parameter', AUTH_TOKEN, URL_CALLED, { CallSid: PARAMS.CallSid, Caller: PARAMS.Caller, Digits: PARAMS.Digits, From: PARAMS.From }, DOCUMENTED_SIGNATURE],
    ['another query string', AUTH_TOKEN, `${URL_CALLED}&extra=1`, PARAMS, DOCUMENTED_SIGNATURE],
    ['another path', AUTH_TOKEN, 'https://mycompany.com/other.php?foo=1&bar=2', PARAMS, DOCUMENTED_SIGNATURE],
    ['another host', AUTH_TOKEN, 'https://attacker.example/myapp.php?foo=1&bar=2', PARAMS, DOCUMENTED_SIGNATURE],
    ['another auth token', '54321', URL_CALLED, PARAMS, DOCUMENTED_SIGNATURE],
    ['an empty auth token', '', URL_CALLED, PARAMS, DOCUMENTED_SIGNATURE],
    ['a forged signature', AUTH_TOKEN, URL_CALLED, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B9='],
    ['no signature', AUTH_TOKEN, URL_CALLED, PARAMS, undefined],
    ['a URL that does not parse', AUTH_TOKEN, 'not a url', PARAMS, DOCUMENTED_SIGNATURE],
  ])('rejects %s', (_case, token, url, params, signature) => {
    expect(isValidTwilioSignature(token, signature, url, params)).toBe(false);
  });
});
