import { test, expect, APIRequestContext } from '@playwright/test';
import {
  CoreV1Api,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { BACKEND, guestToken, kubeSimConfig } from './support/portal';

/**
 * A new user creates a playground environment from the template in the running portal, finds it
 * on kube-sim, in the catalog and on its page, then deletes it and sees everything go.
 */

function kubeClients() {
  const kc = kubeSimConfig();
  return {
    core: kc.makeApiClient(CoreV1Api),
    net: kc.makeApiClient(NetworkingV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
  };
}

async function catalogEntityStatus(request: APIRequestContext, ns: string) {
  const token = await guestToken(request);
  const res = await request.get(
    `${BACKEND}/api/catalog/entities/by-name/resource/default/${ns}`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  return res.status();
}

test('a developer creates a playground environment from the template and deletes it', async ({
  page,
  request,
}) => {
  const name = `e2e-${Date.now().toString(36)}`;
  const namespace = `ml-research-${name}`;
  const { core, net, rbac } = kubeClients();

  // The template, as a new user finds it; the portal asks them to sign in first.
  await page.goto('/create/templates/default/playground-environment');
  await page.getByRole('button', { name: 'Enter' }).click();
  const team = page.getByRole('textbox', { name: /Team/ });
  await team.click();
  await team.fill('ML');
  await page.getByRole('option', { name: /ML research/ }).click();
  await page.getByRole('textbox', { name: /^Name/ }).fill(name);
  await page.getByRole('button', { name: 'Next' }).click();

  const gpus = page.getByRole('spinbutton', { name: /^GPUs/ });
  await gpus.fill('2');
  // The projected cost is shown before submitting, from the rate card.
  await expect(page.getByText(/\/ month/).first()).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  const open = page.getByRole('link', { name: 'Open environment' });
  await expect(open).toBeVisible({ timeout: 60_000 });
  await page.screenshot({
    path: 'artifacts/screenshots/environment-created.png',
    fullPage: true,
  });
  await open.click();

  // The environment's page shows its quota as read from the cluster.
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByText('0 / 2 GPUs')).toBeVisible();
  await page.screenshot({
    path: 'artifacts/screenshots/environment-page.png',
    fullPage: true,
  });

  // Every object is on the cluster.
  const ns = await core.readNamespace({ name: namespace });
  expect(ns.metadata?.labels).toMatchObject({
    'security-level': 'medium',
    'data-classification': 'internal',
    'pod-security.kubernetes.io/enforce': 'restricted',
  });
  const quotas = await core.listNamespacedResourceQuota({ namespace });
  expect(quotas.items[0].spec?.hard?.['requests.amd.com/gpu']).toBe('2');
  expect(
    (await core.listNamespacedLimitRange({ namespace })).items,
  ).toHaveLength(1);
  expect(
    (await net.listNamespacedNetworkPolicy({ namespace })).items.length,
  ).toBeGreaterThan(0);
  const bindings = await rbac.listNamespacedRoleBinding({ namespace });
  expect(bindings.items[0].roleRef.name).toBe('edit');

  // The catalog publishes it as a Resource.
  await expect
    .poll(() => catalogEntityStatus(request, namespace), { timeout: 30_000 })
    .toBe(200);

  // Deleting it from its page removes the namespace and the catalog entity.
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('textbox', { name: 'Environment name' }).fill(name);
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(page.getByText(/Deleted/).first()).toBeVisible();

  await expect
    .poll(
      () =>
        core.readNamespace({ name: namespace }).then(
          () => 'present',
          (e: { code?: number }) => (e.code === 404 ? 'gone' : 'error'),
        ),
      { timeout: 30_000 },
    )
    .toBe('gone');
  await expect
    .poll(() => catalogEntityStatus(request, namespace), { timeout: 30_000 })
    .toBe(404);
});
