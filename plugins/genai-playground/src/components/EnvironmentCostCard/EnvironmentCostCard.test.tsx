import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { makeEnvironment, settings, withDetails } from '../../testing/fixtures';
import { EnvironmentCostCard } from './EnvironmentCostCard';

describe('EnvironmentCostCard', () => {
  it('says when the projection exceeds the budget', async () => {
    const environment = withDetails(makeEnvironment({ monthlyBudget: 1 }));
    await renderInTestApp(
      <EnvironmentCostCard environment={environment} settings={settings} />,
    );
    expect(screen.getByText('Projected monthly cost')).toBeInTheDocument();
    expect(screen.getByText(/the projection exceeds it/)).toBeInTheDocument();
  });

  it('waits for the settings', async () => {
    await renderInTestApp(
      <EnvironmentCostCard environment={withDetails(makeEnvironment())} />,
    );
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });
});
