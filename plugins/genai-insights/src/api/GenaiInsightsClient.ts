import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  BudgetPutRequest,
  BudgetStatus,
  ComplianceHistory,
  ComplianceScorecards,
  ComplianceWaiver,
  ComplianceWaiverCreateRequest,
  ComplianceWaiverList,
  CostComparison,
  CostOverTime,
  CostSavings,
  EnvironmentCompliance,
  GpuActivity,
  GpuBreakdown,
  GpuFleet,
  GpuIdleList,
  GpuUsage,
} from '@genai-portal/plugin-genai-insights-common';
import type {
  BudgetsQuery,
  ComplianceHistoryQuery,
  ComplianceScorecardsQuery,
  ComplianceWaiversQuery,
  CostExportFile,
  CostExportFormat,
  CostOverTimeQuery,
  CostRangeQuery,
  CostTopAnswer,
  CostTopQuery,
  GenaiInsightsApi,
  GenaiInsightsScope,
  GpuActivityQuery,
  GpuBreakdownQuery,
  GpuFleetQuery,
  GpuUsageQuery,
  IdleCostAnswer,
  StoredBudget,
} from '@genai-portal/plugin-genai-insights-react';

/** The backend plugin's id, as discovery knows it. */
const PLUGIN_ID = 'genai-insights';

type QueryValue = string | number | string[] | undefined;

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** Leaves out parameters that are not set, so that the backend applies its defaults. */
function toQueryString(query?: Record<string, QueryValue>): string {
  if (!query) {
    return '';
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    // `teams` is one comma-separated parameter; an empty list is the same as none.
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text !== undefined && text !== '') {
      params.append(key, String(text));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function rangeQuery(query: CostRangeQuery): Record<string, QueryValue> {
  return {
    from: query.from,
    to: query.to,
    teams: query.teams,
    basis: query.basis,
  };
}

/** `attachment; filename="genai-ledger-2026-11-01.csv"` gives `genai-ledger-2026-11-01.csv`. */
function filenameOf(response: Response): string | undefined {
  const disposition = response.headers.get('content-disposition') ?? '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return match?.[1];
}

/**
 * The `GenaiInsightsApi` of `@genai-portal/plugin-genai-insights-react` over `discoveryApi` and
 * `fetchApi` (which adds the signed-in user's token). A non-2xx answer rejects with
 * `ResponseError.fromResponse`, which keeps the backend's error name, message and status code for
 * the UI.
 * @public
 */
export class GenaiInsightsClient implements GenaiInsightsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getScope(): Promise<GenaiInsightsScope> {
    return this.json('GET', '/scope');
  }

  async getCostOverTime(query: CostOverTimeQuery): Promise<CostOverTime> {
    return this.json('GET', '/cost', {
      query: {
        ...rangeQuery(query),
        interval: query.interval,
        stackBy: query.stackBy,
      },
    });
  }

  async getCostComparison(query: CostRangeQuery): Promise<CostComparison> {
    return this.json('GET', '/cost/compare', { query: rangeQuery(query) });
  }

  async getTopCosts(query: CostTopQuery): Promise<CostTopAnswer> {
    return this.json('GET', '/cost/top', {
      query: { ...rangeQuery(query), by: query.by, limit: query.limit },
    });
  }

  async getIdleCost(
    query: Omit<CostRangeQuery, 'basis'>,
  ): Promise<IdleCostAnswer> {
    return this.json('GET', '/cost/idle', {
      query: { from: query.from, to: query.to, teams: query.teams },
    });
  }

  async getSavings(
    query: Parameters<GenaiInsightsApi['getSavings']>[0],
  ): Promise<CostSavings> {
    return this.json('GET', '/cost/savings', {
      query: {
        from: query.from,
        to: query.to,
        teams: query.teams,
        limit: query.limit,
      },
    });
  }

  async getBudgets(query: BudgetsQuery = {}): Promise<{
    items: BudgetStatus[];
  }> {
    return this.json('GET', '/budgets', {
      query: { month: query.month, teams: query.teams },
    });
  }

  async setBudget(
    request: BudgetPutRequest,
  ): Promise<{ budget: StoredBudget | null }> {
    return this.json('PUT', '/budgets', {
      body: {
        scope: request.scope,
        subject: request.subject,
        monthlyAmount: request.monthlyAmount,
      },
    });
  }

  async downloadExport(
    format: CostExportFormat,
    query: CostRangeQuery,
  ): Promise<CostExportFile> {
    const response = await this.send(
      'GET',
      format === 'focus' ? '/export/focus' : '/export/csv',
      { query: rangeQuery(query), accept: 'text/csv' },
    );
    return {
      blob: await response.blob(),
      filename:
        filenameOf(response) ??
        `genai-${format === 'focus' ? 'focus' : 'ledger'}-${query.from.slice(
          0,
          10,
        )}.csv`,
    };
  }

  async getGpuFleet(query: GpuFleetQuery = {}): Promise<GpuFleet> {
    return this.json('GET', '/gpu/fleet', {
      query: { teams: query.teams, pools: query.pools },
    });
  }

  async getGpuUsage(query: GpuUsageQuery): Promise<GpuUsage> {
    return this.json('GET', '/gpu/usage', {
      query: {
        from: query.from,
        to: query.to,
        teams: query.teams,
        pools: query.pools,
      },
    });
  }

  async getGpuBreakdown(query: GpuBreakdownQuery): Promise<GpuBreakdown> {
    return this.json('GET', '/gpu/breakdown', {
      query: {
        from: query.from,
        to: query.to,
        by: query.by,
        teams: query.teams,
      },
    });
  }

  async getGpuIdle(
    query: Pick<GpuFleetQuery, 'teams'> = {},
  ): Promise<GpuIdleList> {
    return this.json('GET', '/gpu/idle', { query: { teams: query.teams } });
  }

  async getGpuActivity(query: GpuActivityQuery): Promise<GpuActivity> {
    return this.json('GET', '/gpu/activity', {
      query: {
        from: query.from,
        to: query.to,
        environment: query.environment,
        job: query.job,
        teams: query.teams,
      },
    });
  }

  async getComplianceScorecards(
    query: ComplianceScorecardsQuery = {},
  ): Promise<ComplianceScorecards> {
    return this.json('GET', '/compliance/scorecards', {
      query: { teams: query.teams },
    });
  }

  async getEnvironmentCompliance(
    namespace: string,
  ): Promise<EnvironmentCompliance> {
    return this.json(
      'GET',
      `/compliance/environments/${encodeURIComponent(namespace)}`,
    );
  }

  async getComplianceHistory(
    query: ComplianceHistoryQuery = {},
  ): Promise<ComplianceHistory> {
    return this.json('GET', '/compliance/history', {
      query: {
        teams: query.teams,
        environment: query.environment,
        from: query.from,
        to: query.to,
      },
    });
  }

  async getComplianceWaivers(
    query: ComplianceWaiversQuery = {},
  ): Promise<ComplianceWaiverList> {
    return this.json('GET', '/compliance/waivers', {
      query: { teams: query.teams, state: query.state },
    });
  }

  async createComplianceWaiver(
    request: ComplianceWaiverCreateRequest,
  ): Promise<ComplianceWaiver> {
    return this.json('POST', '/compliance/waivers', { body: request });
  }

  async revokeComplianceWaiver(id: string): Promise<void> {
    // 200 with the waiver, or 204: either is done; the body is not needed.
    await this.send('DELETE', `/compliance/waivers/${encodeURIComponent(id)}`);
  }

  private async json<T>(
    method: Method,
    path: string,
    init: { query?: Record<string, QueryValue>; body?: unknown } = {},
  ): Promise<T> {
    const response = await this.send(method, path, init);
    return (await response.json()) as T;
  }

  private async send(
    method: Method,
    path: string,
    init: {
      query?: Record<string, QueryValue>;
      body?: unknown;
      accept?: string;
    } = {},
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PLUGIN_ID);
    const headers: Record<string, string> = {
      Accept: init.accept ?? 'application/json',
    };
    if (init.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${toQueryString(init.query)}`,
      {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
