import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { EnvironmentStatusChip } from './EnvironmentStatusChip';

describe('EnvironmentStatusChip', () => {
  it.each(['ready', 'creating', 'failed', 'deleting', 'deleted'] as const)(
    'labels %s',
    async status => {
      await renderInTestApp(<EnvironmentStatusChip status={status} />);
      expect(screen.getByTestId(`status-${status}`)).toHaveTextContent(status);
    },
  );
});
