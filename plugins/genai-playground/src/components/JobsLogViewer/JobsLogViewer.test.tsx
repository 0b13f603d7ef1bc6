import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { screen, waitFor } from '@testing-library/react';
import { fakeApi } from '../../testing/fixtures';
import { makeJob, withJobDetails } from '../../testing/jobFixtures';
import { JobsLogViewer } from './JobsLogViewer';

describe('JobsLogViewer', () => {
  it('follows the logs of a running job as they arrive', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    const api = fakeApi({
      followJobLogs: jest.fn().mockImplementation(async function* follow() {
        yield 'kube-sim: starting container main\n';
        await gate;
        yield 'step 1/10 loss=2.31\n';
      }),
    });
    const job = withJobDetails(makeJob({ status: 'Running' }));
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <JobsLogViewer job={job} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(/starting container main/),
    ).toBeInTheDocument();
    expect(screen.getByText('following')).toBeInTheDocument();
    release();
    await waitFor(() =>
      expect(screen.getByTestId('job-logs')).toHaveTextContent(
        /starting container main\s*step 1\/10 loss=2.31/,
      ),
    );
    await waitFor(() =>
      expect(screen.getByText('not streaming')).toBeInTheDocument(),
    );
    expect(api.followJobLogs).toHaveBeenCalledWith(
      job.id,
      { pod: undefined, tailLines: undefined },
      expect.objectContaining({ signal: expect.anything() }),
    );
  });

  it('reads the whole log of a job that has ended', async () => {
    const api = fakeApi({
      getJobLogs: jest
        .fn()
        .mockResolvedValue('kube-sim: work complete, exiting with code 0\n'),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <JobsLogViewer job={withJobDetails(makeJob({ status: 'Succeeded' }))} />
      </TestApiProvider>,
    );
    expect(await screen.findByText(/exiting with code 0/)).toBeInTheDocument();
    expect(screen.getByText('ended')).toBeInTheDocument();
    expect(api.followJobLogs).not.toHaveBeenCalled();
  });

  it('says it waits while the pod has not started', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'job j1 has no pods yet' },
          response: { statusCode: 404 },
        }),
        { status: 404, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    const api = fakeApi({
      followJobLogs: jest.fn().mockImplementation(() => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
      })),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
        <JobsLogViewer
          job={withJobDetails(makeJob({ status: 'Pending' }), {
            podDetails: [],
          })}
        />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(
        /Waiting for the pod to start: job j1 has no pods yet/,
      ),
    ).toBeInTheDocument();
  });
});
