import { test, expect } from '@playwright/test';
import { BACKEND, guestHeaders } from './support/portal';

test('a guest signs in and finds the GenAI Playground system in the catalog', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Catalog', exact: true }).click();

  await page.goto('/?filters[kind]=system');
  const system = page.getByRole('link', { name: /GenAI Playground/ });
  await expect(system).toBeVisible();
  await page.screenshot({
    path: 'artifacts/screenshots/catalog.png',
    fullPage: true,
  });

  await system.click();
  await expect(
    page.getByRole('heading', { name: /GenAI Playground/ }).first(),
  ).toBeVisible();
  await expect(page.getByText('Platform team').first()).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'GPU inference worker (MI355X)' }),
  ).toBeVisible();
});

test('the catalog holds the platform with no processing errors', async ({
  request,
}) => {
  const res = await request.get(`${BACKEND}/api/catalog/entities`, {
    headers: await guestHeaders(request),
  });
  const entities: Array<{
    kind: string;
    metadata: { name: string };
    status?: { items?: Array<{ level: string; message: string }> };
  }> = await res.json();

  const names = entities.map(e => `${e.kind}:${e.metadata.name}`);
  expect(names).toEqual(
    expect.arrayContaining([
      'Domain:genai',
      'System:genai-playground',
      'Component:genai-playground-frontend',
      'Component:genai-playground-backend',
      'Component:gpu-worker',
      'Component:blueprint-worker',
      'Resource:genai-postgresql',
      'Resource:genai-redis',
      'Resource:genai-minio',
      'Resource:gpu-pool-mi355x',
      'Resource:gpu-pool-mi300x',
      'API:genai-inference-api',
      'API:genai-jobs-api',
      'Group:platform-team',
      'Group:ml-research',
      'Group:genai-apps',
    ]),
  );
  const errors = entities.flatMap(e =>
    (e.status?.items ?? [])
      .filter(i => i.level === 'error')
      .map(i => `${e.kind}:${e.metadata.name}: ${i.message}`),
  );
  expect(errors).toEqual([]);
});
