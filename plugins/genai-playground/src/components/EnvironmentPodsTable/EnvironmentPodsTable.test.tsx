import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { EnvironmentPodsTable } from './EnvironmentPodsTable';

describe('EnvironmentPodsTable', () => {
  it('lists pods with phase, node and GPUs', async () => {
    await renderInTestApp(
      <EnvironmentPodsTable
        pods={[
          { name: 'trainer-0', phase: 'Running', node: 'mi300x-1', gpus: 4 },
          { name: 'notebook', phase: 'Pending', gpus: 0 },
        ]}
      />,
    );
    const trainer = screen.getByText('trainer-0').closest('tr')!;
    expect(trainer).toHaveTextContent('Running');
    expect(trainer).toHaveTextContent('mi300x-1');
    expect(trainer).toHaveTextContent('4');
    expect(screen.getByText('notebook').closest('tr')).toHaveTextContent(
      'Pending–0',
    );
  });

  it('says when no pod runs', async () => {
    await renderInTestApp(<EnvironmentPodsTable pods={[]} />);
    expect(
      screen.getByText('No pods are running in this environment.'),
    ).toBeInTheDocument();
  });
});
