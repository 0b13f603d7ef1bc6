import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { LabelledValue } from './LabelledValue';

describe('LabelledValue', () => {
  it('shows the caption above the value', async () => {
    await renderInTestApp(
      <LabelledValue label="Team">ml-research</LabelledValue>,
    );
    expect(screen.getByText('Team')).toBeInTheDocument();
    expect(screen.getByText('ml-research')).toBeInTheDocument();
  });
});
