import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import type { JobSettings } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../lib/errors';
import {
  JobsSubmitFormErrors,
  JobsSubmitFormValues,
  toSubmitRequest,
} from '../lib/jobSubmitRequest';
import { jobRouteRef } from '../routes';

function newKey() {
  return `ui-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * The job form's state and its submit: the values as typed, the problems by field, the backend's
 * refusal. A submit sends an idempotency key that changes only when a value does, so a double
 * click makes one job; a submitted job opens its page.
 */
export function useJobSubmit(
  initialEnvironment: string,
  jobSettings: JobSettings | undefined,
) {
  const api = useApi(genaiPlaygroundApiRef);
  const navigate = useNavigate();
  const jobLink = useRouteRef(jobRouteRef);
  const [values, setValues] = useState<JobsSubmitFormValues>({
    environment: initialEnvironment,
    name: '',
    image: '',
    command: '',
    args: '',
    env: '',
    gpus: '8',
    pods: '1',
    maxRuntimeHours: '',
    retries: '0',
  });
  const [errors, setErrors] = useState<JobsSubmitFormErrors>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(newKey);

  const set =
    (field: keyof JobsSubmitFormValues) =>
    (e: { target: { value: unknown } }) => {
      setValues(v => ({ ...v, [field]: String(e.target.value) }));
      setErrors(x => ({ ...x, [field]: undefined }));
      // Another request deserves another key: the same key is for retrying the same one.
      setKey(newKey());
    };

  const submit = async () => {
    const { request, errors: found } = toSubmitRequest(
      {
        ...values,
        maxRuntimeHours:
          values.maxRuntimeHours ||
          String(jobSettings?.defaultRuntimeHours ?? ''),
      },
      jobSettings,
    );
    setErrors(found);
    setFailure(undefined);
    if (!request) {
      return;
    }
    setBusy(true);
    try {
      const job = await api.submitJob(request, { idempotencyKey: key });
      navigate(jobLink({ id: job.id }));
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return { values, errors, set, submit, busy, failure };
}
