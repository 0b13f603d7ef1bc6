import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { JobsStatusChip } from './JobsStatusChip';

describe('JobsStatusChip', () => {
  it.each(['Pending', 'Running', 'Succeeded', 'Failed', 'Cancelled'] as const)(
    'shows %s',
    async status => {
      await renderInTestApp(<JobsStatusChip status={status} />);
      expect(screen.getByTestId(`job-status-${status}`)).toHaveTextContent(
        status,
      );
    },
  );
});
