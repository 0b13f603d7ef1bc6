import type { CreateApiKeyRequest } from '@genai-portal/plugin-genai-playground-common';

/** The "Create key" form as typed: numbers stay text so that a field may be left empty. */
export interface ApiKeyForm {
  name: string;
  models: string[];
  rpm: string;
  tpm: string;
  monthlyBudget: string;
}

export type ApiKeyFormErrors = Partial<Record<keyof ApiKeyForm, string>>;

export const emptyApiKeyForm: ApiKeyForm = {
  name: '',
  models: [],
  rpm: '',
  tpm: '',
  monthlyBudget: '',
};

function wholeNumber(
  value: string,
  max: number,
  label: string,
): string | undefined {
  if (value.trim() === '') {
    return undefined;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    return `${label} must be a whole number of at least 1`;
  }
  if (n > max) {
    return `${label} must be at most ${max.toLocaleString('en-US')}`;
  }
  return undefined;
}

/** Checks the form against the backend's `createApiKeyRequestSchema`, with messages for people. */
export function validateApiKeyForm(form: ApiKeyForm): ApiKeyFormErrors {
  const errors: ApiKeyFormErrors = {};
  const name = form.name.trim();
  if (!name) {
    errors.name = 'Give the key a name, e.g. what it is for';
  } else if (name.length > 100) {
    errors.name = 'The name must be at most 100 characters';
  }
  errors.rpm = wholeNumber(form.rpm, 1_000_000, 'Requests per minute');
  errors.tpm = wholeNumber(form.tpm, 1_000_000_000, 'Tokens per minute');
  if (form.monthlyBudget.trim() !== '') {
    const budget = Number(form.monthlyBudget);
    if (!Number.isFinite(budget) || budget < 0) {
      errors.monthlyBudget = 'The budget must be a number of 0 or more';
    } else if (budget > 10_000_000) {
      errors.monthlyBudget = 'The budget must be at most 10,000,000';
    }
  }
  return Object.fromEntries(
    Object.entries(errors).filter(([, v]) => v),
  ) as ApiKeyFormErrors;
}

/** The request for a valid form; empty fields are left out so that the backend's defaults apply. */
export function toCreateApiKeyRequest(form: ApiKeyForm): CreateApiKeyRequest {
  return {
    name: form.name.trim(),
    ...(form.models.length ? { models: form.models } : {}),
    ...(form.rpm.trim() ? { rpm: Number(form.rpm) } : {}),
    ...(form.tpm.trim() ? { tpm: Number(form.tpm) } : {}),
    ...(form.monthlyBudget.trim()
      ? { monthlyBudget: Number(form.monthlyBudget) }
      : {}),
  };
}
