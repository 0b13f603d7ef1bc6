import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { byKind, named, render } from './__testUtils__/render';

jest.setTimeout(60_000);

/**
 * Sign-in goes through OpenShift's oauth-proxy: it alone may set X-Forwarded-User, which the
 * backend's oauth2Proxy provider turns into a Backstage token (packages/backend/src/signIn.test.ts
 * proves the backend side). Its flags are those of the image's fork of oauth2_proxy 2.x
 * (quay.io/openshift/origin-oauth-proxy): it has no --skip-auth-route, --skip-auth-strip-headers,
 * --pass-authorization-header or --set-authorization-header.
 */
describe('oauth2-proxy in front of the backend', () => {
  const manifests = render();
  const [deployment] = byKind(manifests, 'Deployment');
  const containers = deployment.spec.template.spec.containers;
  const backend = containers.find((c: any) => c.name === 'backend');
  const proxy = containers.find((c: any) => c.name === 'oauth2-proxy');

  it('uses the OpenShift fork whose flags the chart sets', () => {
    expect(proxy.image).toMatch(/^quay\.io\/openshift\/origin-oauth-proxy:/);
  });

  it('passes Authorization through untouched, for Backstage tokens and gpk- API keys', () => {
    const args: string[] = proxy.args;
    // the fork's default for pass-basic-auth is true: it would replace Authorization with the
    // user's Basic credentials on every signed-in request
    expect(args).toContain('--pass-basic-auth=false');
    expect(args).toContain('--pass-access-token=false');
    expect(args).toContain('--pass-user-bearer-token=false');
    expect(args).toContain('--pass-user-headers=true');
    for (const flag of [
      '--pass-authorization-header',
      '--set-authorization-header',
      '--pass-basic-auth=true',
      '--htpasswd-file',
      '--openshift-delegate-urls',
    ]) {
      expect(args.filter(a => a.startsWith(flag))).toEqual([]);
    }
  });

  it('lets API-key and token clients reach only the paths that check their own credentials', () => {
    const patterns = (proxy.args as string[])
      .filter(a => a.startsWith('--skip-auth-regex='))
      .map(a => a.slice('--skip-auth-regex='.length));
    const skipped = patterns.map(p => new RegExp(p));
    expect(patterns).toEqual([
      '^/api/genai-playground/v1/',
      '^/api/genai-playground/metrics$',
      '^/\\.backstage/health/v1/(readiness|liveness)$',
    ]);
    const open = (url: string) => skipped.some(r => r.test(url));
    expect(open('/api/genai-playground/v1/chat/completions')).toBe(true);
    expect(open('/api/genai-playground/v1/models')).toBe(true);
    expect(open('/api/genai-playground/metrics')).toBe(true);
    expect(open('/.backstage/health/v1/readiness')).toBe(true);
    // The paths that trust X-Forwarded-User, and everything else, need a proxy session. (The
    // fork matches the decoded, uncleaned path; Go's ServeMux then redirects a path with dot
    // segments to its clean form, which is matched again.)
    for (const url of [
      '/api/auth/oauth2Proxy/refresh',
      '/api/auth/oauth2Proxy/start',
      '/api/catalog/entities',
      '/api/genai-playground/environments',
      '/api/genai-playground/metricsX',
      '/api/genai-playground/v1',
      '/x/api/genai-playground/v1/models',
      '/.backstage/health/v1/readinessX',
      '/Xbackstage/health/v1/readiness',
      '/',
    ]) {
      expect([url, open(url)]).toEqual([url, false]);
    }
  });

  it('signs in by X-Forwarded-User alone, the one header the fork always replaces', () => {
    // The fork sets X-Forwarded-Email only when the user has one, and never touches
    // X-Forwarded-Preferred-Username or X-OAUTH2-PROXY-ID-TOKEN: a resolver reading those would
    // take them from the client.
    const production = parse(
      fs.readFileSync(
        path.resolve(__dirname, '../../app-config.production.yaml'),
        'utf8',
      ),
    );
    expect(production.auth.providers).toEqual({
      oauth2Proxy: {
        signIn: {
          resolvers: [{ resolver: 'forwardedUserMatchingUserEntityName' }],
        },
      },
    });
  });

  it('is the only way in: the backend listens on loopback and exposes no port', () => {
    expect(proxy.args).toContain('--upstream=http://127.0.0.1:7007');
    expect(proxy.args).toContain('--http-address=:4180');
    expect(proxy.ports).toEqual([{ name: 'proxy', containerPort: 4180 }]);
    expect(
      backend.env.find((e: any) => e.name === 'APP_CONFIG_backend_listen'),
    ).toEqual({ name: 'APP_CONFIG_backend_listen', value: '127.0.0.1:7007' });
    expect(backend.ports).toBeUndefined();
    // the kubelet cannot reach loopback: readiness through the proxy's skipped health path,
    // liveness from inside the container
    expect(backend.readinessProbe.httpGet).toEqual({
      path: '/.backstage/health/v1/readiness',
      port: 4180,
    });
    for (const probe of [backend.livenessProbe, backend.startupProbe]) {
      expect(probe.exec.command.join(' ')).toContain(
        'http://127.0.0.1:7007/.backstage/health/v1/liveness',
      );
    }

    // the Route's Service and the metrics Service both lead to the proxy
    const route = byKind(manifests, 'Route')[0];
    const service = named(manifests, 'Service', route.spec.to.name);
    const routed = service.spec.ports.find(
      (p: any) => p.name === route.spec.port.targetPort,
    );
    expect(routed.targetPort).toBe('proxy');
    for (const s of byKind(manifests, 'Service')) {
      expect([
        s.metadata.name,
        s.spec.ports.map((p: any) => p.targetPort),
      ]).toEqual([s.metadata.name, ['proxy']]);
    }
  });

  it('admits the router, the monitoring stack and environment workloads to the proxy port only', () => {
    const [policy] = byKind(manifests, 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: {
              matchLabels: { 'network.openshift.io/policy-group': 'ingress' },
            },
          },
          {
            namespaceSelector: {
              matchLabels: {
                'network.openshift.io/policy-group': 'monitoring',
              },
            },
          },
          {
            namespaceSelector: {
              matchLabels: {
                'app.kubernetes.io/managed-by': 'genai-playground-portal',
              },
            },
          },
        ],
        ports: [{ port: 4180, protocol: 'TCP' }],
      },
    ]);
    const [quiet] = byKind(
      render('monitoring.serviceMonitor=false'),
      'NetworkPolicy',
    );
    expect(
      quiet.spec.ingress[0].from.map(
        (f: any) => Object.values(f.namespaceSelector.matchLabels)[0],
      ),
    ).toEqual(['ingress', 'genai-playground-portal']);
  });
});
