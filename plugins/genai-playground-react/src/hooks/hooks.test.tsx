import { TestApiProvider } from '@backstage/test-utils';
import type { GenaiPlaygroundApi } from '@genai-portal/plugin-genai-playground-common';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import { genaiPlaygroundApiRef } from '../api';
import { useEnvironment } from './useEnvironment';
import { useEnvironments } from './useEnvironments';
import { usePoolUsage } from './usePoolUsage';
import { useSettings } from './useSettings';
import { useTeamQuotas } from './useTeamQuotas';

function setup(api: Partial<GenaiPlaygroundApi>) {
  return ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[genaiPlaygroundApiRef, api]]}>
      {children}
    </TestApiProvider>
  );
}

describe('hooks', () => {
  it('useEnvironments waits for a query, then lists', async () => {
    const listEnvironments = jest
      .fn()
      .mockResolvedValue({ items: [{ id: 'a' }] });
    const wrapper = setup({ listEnvironments });
    const { result, rerender } = renderHook(
      ({ owner }: { owner?: string }) =>
        useEnvironments(owner ? { owner } : undefined),
      { wrapper, initialProps: {} },
    );
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.value).toBeUndefined();
    expect(listEnvironments).not.toHaveBeenCalled();

    rerender({ owner: 'user:default/guest' });
    await waitFor(() => expect(result.current.value).toEqual([{ id: 'a' }]));
    expect(listEnvironments).toHaveBeenCalledWith({
      owner: 'user:default/guest',
      team: undefined,
      gpuPool: undefined,
      includeDeleted: undefined,
    });
  });

  it('useEnvironment loads again on refresh', async () => {
    const getEnvironment = jest
      .fn()
      .mockResolvedValueOnce({ id: 'x', status: 'creating' })
      .mockResolvedValueOnce({ id: 'x', status: 'ready' });
    const { result } = renderHook(() => useEnvironment('x'), {
      wrapper: setup({ getEnvironment }),
    });
    await waitFor(() =>
      expect(result.current.value).toMatchObject({ status: 'creating' }),
    );
    act(() => result.current.refresh());
    await waitFor(() =>
      expect(result.current.value).toMatchObject({ status: 'ready' }),
    );
    expect(getEnvironment).toHaveBeenCalledTimes(2);
  });

  it('useTeamQuotas asks for one team or all', async () => {
    const getTeamQuotas = jest.fn().mockResolvedValue({ items: [] });
    const wrapper = setup({ getTeamQuotas });
    renderHook(() => useTeamQuotas('group:default/ml-research'), { wrapper });
    renderHook(() => useTeamQuotas(), { wrapper });
    await waitFor(() => expect(getTeamQuotas).toHaveBeenCalledTimes(2));
    expect(getTeamQuotas).toHaveBeenCalledWith({
      team: 'group:default/ml-research',
    });
    expect(getTeamQuotas).toHaveBeenCalledWith({});
  });

  it('usePoolUsage and useSettings unwrap the answers and surface errors', async () => {
    const wrapper = setup({
      getPoolUsage: jest
        .fn()
        .mockResolvedValue({ items: [{ pool: 'mi300x' }] }),
      getSettings: jest.fn().mockRejectedValue(new Error('down')),
    });
    const pools = renderHook(() => usePoolUsage(), { wrapper });
    const settings = renderHook(() => useSettings(), { wrapper });
    await waitFor(() =>
      expect(pools.result.current.value).toEqual([{ pool: 'mi300x' }]),
    );
    await waitFor(() =>
      expect(settings.result.current.error?.message).toBe('down'),
    );
  });
});
