import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { rootRouteRef } from '../../routes';
import { fakeApi, makeEnvironment, withDetails } from '../../testing/fixtures';
import { GenaiPlaygroundPage } from './GenaiPlaygroundPage';

const environment = makeEnvironment();

function renderAt(path: string) {
  const api = fakeApi({
    getEnvironment: jest.fn().mockResolvedValue(withDetails(environment)),
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [genaiPlaygroundApiRef, api],
        [permissionApiRef, mockApis.permission()],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/guest',
            ownershipEntityRefs: ['group:default/ml-research'],
          }),
        ],
      ]}
    >
      <Routes>
        <Route
          path="/genai-playground/environments/*"
          element={<GenaiPlaygroundPage />}
        />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: { '/genai-playground/environments': rootRouteRef },
    },
  );
}

describe('GenaiPlaygroundPage (legacy app)', () => {
  it('shows the list at its root, with the header', async () => {
    await renderAt('/genai-playground/environments');
    expect(
      screen.getByRole('heading', { name: 'GPU Playground' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('My environments')).toBeInTheDocument();
  });

  it('shows an environment below it', async () => {
    await renderAt(`/genai-playground/environments/${environment.id}`);
    expect(
      await screen.findByRole('heading', { name: environment.name }),
    ).toBeInTheDocument();
  });
});
