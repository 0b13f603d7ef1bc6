import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeApi } from '../../testing/fixtures';
import { makeJob } from '../../testing/jobFixtures';
import { JobsCancelDialog } from './JobsCancelDialog';

describe('JobsCancelDialog', () => {
  it('cancels with the chosen propagation policy', async () => {
    const job = makeJob();
    const cancelled = { ...job, status: 'Cancelled' as const };
    const api = fakeApi({ cancelJob: jest.fn().mockResolvedValue(cancelled) });
    const onCancelled = jest.fn();
    const onClose = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <JobsCancelDialog
          open
          job={job}
          onClose={onClose}
          onCancelled={onCancelled}
        />
      </TestApiProvider>,
    );
    expect(screen.getByText(job.kubernetesName)).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText(/^Foreground/));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel job' }));
    await waitFor(() => expect(onCancelled).toHaveBeenCalledWith(cancelled));
    expect(api.cancelJob).toHaveBeenCalledWith(job.id, {
      propagationPolicy: 'Foreground',
    });
    expect(onClose).toHaveBeenCalled();
  });

  it("shows the backend's answer when it cannot cancel", async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message: 'job j1 has ended (Succeeded); there is nothing to cancel',
          },
          response: { statusCode: 409 },
        }),
        { status: 409, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    const api = fakeApi({ cancelJob: jest.fn().mockRejectedValue(error) });
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <JobsCancelDialog
          open
          job={makeJob()}
          onClose={jest.fn()}
          onCancelled={jest.fn()}
        />
      </TestApiProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel job' }));
    expect(
      await screen.findByText(
        /has ended \(Succeeded\); there is nothing to cancel/,
      ),
    ).toBeInTheDocument();
  });
});
