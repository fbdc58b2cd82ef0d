// The EC2 instance metadata service as IMDSv2 answers it, for the boot simulation: a session token from
// PUT /latest/api/token, then GETs that carry it. A GET without a valid token gets 401, as on an instance whose
// launch template sets HttpTokens=required (IMDSv1 off). Every request is logged, one line each, for the test.
// usage: node imds.js ADDRESS ROLE ACCESS_KEY SECRET_KEY (the role's credentials: the key pair the S3 stand-in knows)
'use strict';
const http = require('http');
const crypto = require('crypto');

const [address, role, accessKey, secretKey] = process.argv.slice(2);
const tokens = new Map();

function credentials() {
  const expiration = new Date(Date.now() + 6 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  return JSON.stringify({
    Code: 'Success', LastUpdated: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), Type: 'AWS-HMAC',
    AccessKeyId: accessKey, SecretAccessKey: secretKey,
    Token: crypto.randomBytes(60).toString('base64'), Expiration: expiration,
  });
}

const documents = {
  '/latest/meta-data/': 'ami-id\niam/\ninstance-id\nplacement/\n',
  '/latest/meta-data/instance-id': 'i-0b00751mu1a7ed000',
  '/latest/meta-data/placement/region': 'us-east-1',
  '/latest/meta-data/placement/availability-zone': 'us-east-1a',
  '/latest/meta-data/iam/security-credentials/': role,
  [`/latest/meta-data/iam/security-credentials/${role}`]: credentials,
  '/latest/dynamic/instance-identity/document': () => JSON.stringify({ region: 'us-east-1', instanceId: 'i-0b00751mu1a7ed000' }),
};

http.createServer((request, response) => {
  const answer = (status, body) => {
    console.log(`${request.method} ${request.url} ${status}`);
    response.writeHead(status, { 'Content-Type': 'text/plain' });
    response.end(body);
  };
  if (request.method === 'PUT' && request.url === '/latest/api/token') {
    const ttl = Number(request.headers['x-aws-ec2-metadata-token-ttl-seconds']);
    if (!(ttl >= 1 && ttl <= 21600)) return answer(400, 'missing or invalid X-aws-ec2-metadata-token-ttl-seconds');
    const token = crypto.randomBytes(32).toString('base64');
    tokens.set(token, Date.now() + ttl * 1000);
    return answer(200, token);
  }
  if (request.method !== 'GET') return answer(405, '');
  const expires = tokens.get(request.headers['x-aws-ec2-metadata-token']);
  if (!expires || expires < Date.now()) return answer(401, '');
  const document = documents[request.url];
  if (document === undefined) return answer(404, '');
  return answer(200, typeof document === 'function' ? document() : document);
}).listen(80, address, () => console.log(`imds listening on ${address}:80`));
