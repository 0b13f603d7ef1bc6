import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { jobsRouteRef } from '../../routes';
import { fakeApi, makeEnvironment } from '../../testing/fixtures';
import {
  IMAGE,
  jobSettings,
  makeJob,
  settingsWithJobs,
} from '../../testing/jobFixtures';
import { JobsSubmitForm, toSubmitRequest } from './JobsSubmitForm';

const blank = {
  environment: 'ml-research-llama-finetune',
  name: '',
  image: IMAGE,
  command: 'python\nfinetune.py',
  args: '',
  env: '',
  gpus: '8',
  pods: '1',
  maxRuntimeHours: '4',
  retries: '0',
};

describe('toSubmitRequest', () => {
  it('makes the request the backend takes: lists of strings, numbers, env with secret references', () => {
    expect(
      toSubmitRequest(
        {
          ...blank,
          args: '--epochs\n1',
          env: 'HF_HOME=/tmp/hf\nHF_TOKEN=secret:hf/token',
        },
        jobSettings,
      ),
    ).toEqual({
      errors: {},
      request: {
        environment: 'ml-research-llama-finetune',
        image: IMAGE,
        command: ['python', 'finetune.py'],
        args: ['--epochs', '1'],
        env: [
          { name: 'HF_HOME', value: '/tmp/hf' },
          {
            name: 'HF_TOKEN',
            valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } },
          },
        ],
        gpus: 8,
        pods: 1,
        maxRuntimeHours: 4,
        retries: 0,
      },
    });
  });

  it.each([
    [{ gpus: '0' }, 'gpus', /Too small/],
    [{ gpus: '9' }, 'gpus', /Too big/],
    [{ gpus: 'two' }, 'gpus', /expected number/],
    [
      { image: 'someone/miner:latest' },
      'image',
      /Not from an allowed registry/,
    ],
    [{ maxRuntimeHours: '100' }, 'maxRuntimeHours', /At most 72 hours/],
    [{ env: 'HF_TOKEN=hf_abc' }, 'env', /HF_TOKEN looks like a secret/],
    [{ env: 'nonsense' }, 'env', /is not NAME=value/],
    [{ environment: '' }, 'environment', /./],
  ])('refuses %j naming the field', (values, field, message) => {
    const { request, errors } = toSubmitRequest(
      { ...blank, ...values },
      jobSettings,
    );
    expect(request).toBeUndefined();
    expect(errors[field as keyof typeof errors]).toMatch(message);
  });
});

async function renderForm(api = fakeApi()) {
  await renderInTestApp(
    <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
      <Routes>
        <Route path="/" element={<JobsSubmitForm />} />
        <Route
          path="/genai-playground/jobs/:id"
          element={<div>job page</div>}
        />
      </Routes>
    </TestApiProvider>,
    { mountedRoutes: { '/genai-playground/jobs': jobsRouteRef } },
  );
  return api;
}

async function fill(api: ReturnType<typeof fakeApi>) {
  await screen.findByText('Submit a blueprint job');
  fireEvent.mouseDown(
    within(screen.getByTestId('job-environment-field')).getByRole('button'),
  );
  await userEvent.click(
    await screen.findByRole('option', { name: /ml-research-llama-finetune/ }),
  );
  await userEvent.type(screen.getByLabelText(/^Image/), IMAGE);
  await userEvent.type(
    screen.getByLabelText('Command'),
    'python{enter}train.py',
  );
  return api;
}

describe('JobsSubmitForm', () => {
  const environment = makeEnvironment();

  it('submits the job with an idempotency key and opens its page', async () => {
    const api = fakeApi({
      getSettings: jest.fn().mockResolvedValue(settingsWithJobs),
      listEnvironments: jest.fn().mockResolvedValue({ items: [environment] }),
      submitJob: jest.fn().mockResolvedValue(makeJob({ id: 'jnew' })),
    });
    await renderForm(api);
    await fill(api);
    await userEvent.click(screen.getByRole('button', { name: 'Submit job' }));
    expect(await screen.findByText('job page')).toBeInTheDocument();
    expect(api.submitJob).toHaveBeenCalledWith(
      {
        environment: environment.id,
        image: IMAGE,
        command: ['python', 'train.py'],
        gpus: 8,
        pods: 1,
        maxRuntimeHours: 4,
        retries: 0,
      },
      { idempotencyKey: expect.stringMatching(/^ui-/) },
    );
  });

  it('shows what is wrong before sending anything', async () => {
    const api = fakeApi({
      getSettings: jest.fn().mockResolvedValue(settingsWithJobs),
      listEnvironments: jest.fn().mockResolvedValue({ items: [environment] }),
    });
    await renderForm(api);
    await fill(api);
    const gpus = screen.getByLabelText(/^GPUs per pod/);
    await userEvent.clear(gpus);
    await userEvent.type(gpus, '9');
    await userEvent.click(screen.getByRole('button', { name: 'Submit job' }));
    expect(
      await screen.findByText(/Too big: expected number to be <=8/),
    ).toBeInTheDocument();
    expect(api.submitJob).not.toHaveBeenCalled();
  });

  it("shows the backend's refusal, naming the quota", async () => {
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'InputError',
            message: `Invalid request: gpus: refused: the quota allows 8 GPUs (8 in use) in environment ${environment.id}`,
          },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    const api = fakeApi({
      getSettings: jest.fn().mockResolvedValue(settingsWithJobs),
      listEnvironments: jest.fn().mockResolvedValue({ items: [environment] }),
      submitJob: jest.fn().mockRejectedValue(refusal),
    });
    await renderForm(api);
    await fill(api);
    await userEvent.click(screen.getByRole('button', { name: 'Submit job' }));
    await waitFor(() =>
      expect(screen.getByTestId('job-submit-error')).toHaveTextContent(
        /the quota allows 8 GPUs \(8 in use\)/,
      ),
    );
  });
});
