import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, waitFor } from '@testing-library/react';
import {
  fakeApi,
  makeEnvironment,
  settings,
  withDetails,
} from '../../testing/fixtures';
import { EnvironmentLeaseCard } from './EnvironmentLeaseCard';

async function render(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  name: string,
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [genaiPlaygroundApiRef, fakeApi()],
        [permissionApiRef, mockApis.permission({ authorize: result })],
      ]}
    >
      <EnvironmentLeaseCard
        environment={withDetails(makeEnvironment({ name }))}
        settings={settings}
        onChanged={() => {}}
      />
    </TestApiProvider>,
  );
}

describe('EnvironmentLeaseCard', () => {
  it('offers Extend and Delete to who may', async () => {
    await render(AuthorizeResult.ALLOW, 'allowed');
    expect(screen.getByText('Expires')).toBeInTheDocument();
    expect(
      screen.getByText(`${settings.lease.maxTtlHours} hours`),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Extend' })).toBeEnabled(),
    );
    expect(screen.getByRole('button', { name: 'Delete' })).toBeEnabled();
  });

  it('disables them for who may not', async () => {
    // another environment: usePermission caches decisions per resource across renders
    await render(AuthorizeResult.DENY, 'denied');
    expect(screen.getByRole('button', { name: 'Extend' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();
  });
});
