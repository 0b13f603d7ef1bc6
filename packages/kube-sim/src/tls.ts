/**
 * A self-signed certificate for 127.0.0.1/localhost, made with the openssl
 * command line. kubectl (client-go) only sends credentials over https, so
 * kubectl needs kube-sim to serve TLS; @kubernetes/client-node works either way.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TlsPair {
  cert: string;
  key: string;
}

export function selfSignedCert(
  hosts: string[] = ['127.0.0.1', 'localhost'],
): TlsPair {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-tls-'));
  try {
    const san = hosts
      .map(h => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`))
      .join(',');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-days',
        '365',
        '-subj',
        '/CN=kube-sim',
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: 'pipe' },
    );
    return {
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
