import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { rootRouteRef } from '../../routes';
import { makeEnvironment, withDetails } from '../../testing/fixtures';
import { EnvironmentsTable } from './EnvironmentsTable';

describe('EnvironmentsTable', () => {
  const llama = makeEnvironment({ name: 'llama' });
  const mistral = makeEnvironment({
    name: 'mistral',
    gpuPool: 'mi355x',
    owner: 'user:default/amara.okafor',
    status: 'creating',
    expiresAt: new Date(Date.now() + 5.5 * 3600_000).toISOString(),
    quota: { ...llama.quota, gpus: 2, cpu: 8, memoryGi: 64 },
  });

  it('renders a row per environment with quota bars, status, expiry and owner', async () => {
    await renderInTestApp(
      <EnvironmentsTable
        title="My environments"
        environments={[llama, mistral]}
        details={{ [llama.id]: withDetails(llama) }}
      />,
      { mountedRoutes: { '/genai-playground/environments': rootRouteRef } },
    );

    expect(screen.getByText('My environments')).toBeInTheDocument();
    const llamaRow = screen.getByRole('link', { name: 'llama' }).closest('tr')!;
    expect(screen.getByRole('link', { name: 'llama' })).toHaveAttribute(
      'href',
      `/genai-playground/environments/${llama.id}`,
    );
    expect(llamaRow).toHaveTextContent('ml-research');
    expect(llamaRow).toHaveTextContent('mi300x');
    // Usage from the details: used / hard.
    expect(
      within(llamaRow).getByRole('progressbar', { name: 'llama GPU 2 / 8' }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(within(llamaRow).getByText('4.5 / 32 cores')).toBeInTheDocument();
    expect(within(llamaRow).getByText('64 / 256 GiB')).toBeInTheDocument();
    expect(within(llamaRow).getByTestId('status-ready')).toBeInTheDocument();
    expect(within(llamaRow).getByTestId('expiry')).toHaveTextContent(
      'in 3 days',
    );
    expect(llamaRow).toHaveTextContent('guest');

    // Without details the sized quota is the hard value and usage is unknown.
    const mistralRow = screen
      .getByRole('link', { name: 'mistral' })
      .closest('tr')!;
    expect(within(mistralRow).getByText('– / 2')).toBeInTheDocument();
    expect(within(mistralRow).getByText('– / 8 cores')).toBeInTheDocument();
    expect(
      within(mistralRow).getByTestId('status-creating'),
    ).toBeInTheDocument();
    expect(within(mistralRow).getByTestId('expiry-soon')).toHaveTextContent(
      'in 5 hours',
    );
    expect(mistralRow).toHaveTextContent('amara.okafor');
  });

  it('hides columns on request and shows plain names without the page', async () => {
    await renderInTestApp(
      <EnvironmentsTable
        title="Team"
        environments={[llama]}
        hideColumns={['team', 'owner']}
      />,
    );
    expect(screen.queryByRole('link', { name: 'llama' })).toBeNull();
    expect(screen.getByText('llama')).toBeInTheDocument();
    expect(screen.queryByText('Owner')).toBeNull();
    expect(screen.queryByText('Team', { selector: 'th *' })).toBeNull();
  });

  it('shows the empty content', async () => {
    await renderInTestApp(
      <EnvironmentsTable
        title="Mine"
        environments={[]}
        emptyContent={<span>Nothing here</span>}
      />,
    );
    expect(screen.getByText('Nothing here')).toBeInTheDocument();
  });
});
