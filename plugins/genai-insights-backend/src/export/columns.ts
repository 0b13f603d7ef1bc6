import {
  formatMicros,
  type CostCategory,
  type LedgerRow,
} from '@genai-portal/plugin-genai-insights-common';
import { HOURS_PER_MONTH } from '../rates/RateCard';

/** Columns of an export and how each is read from a ledger row. */
export interface ExportColumns {
  names: string[];
  values(row: LedgerRow): Array<string | number>;
}

/** The ledger as it is: one line per row, money as exact decimals in the currency. */
export function ledgerColumns(currency: string): ExportColumns {
  return {
    names: [
      'hour',
      'environment',
      'team',
      'costCenter',
      'pool',
      'category',
      'unit',
      'model',
      'basis',
      'capacity',
      'quantity',
      'rate',
      'ratePer',
      'cost',
      'currency',
    ],
    values: r => [
      r.hour,
      r.environment,
      r.team,
      r.costCenter,
      r.pool,
      r.category,
      r.unit,
      r.model,
      r.basis,
      r.capacity,
      r.quantity,
      formatMicros(r.rateMicros),
      r.ratePer,
      formatMicros(r.costMicros),
      currency,
    ],
  };
}

/** What FOCUS calls the service, its category and the units, per ledger category. */
const SERVICES: Record<
  CostCategory,
  { name: string; category: string; consumedUnit: string }
> = {
  gpu: {
    name: 'GenAI Playground GPUs',
    category: 'Compute',
    consumedUnit: 'GPU-Hours',
  },
  cpu: {
    name: 'GenAI Playground CPU',
    category: 'Compute',
    consumedUnit: 'Core-Hours',
  },
  memory: {
    name: 'GenAI Playground memory',
    category: 'Compute',
    consumedUnit: 'GiB-Hours',
  },
  storage: {
    name: 'GenAI Playground storage',
    category: 'Storage',
    consumedUnit: 'GiB-Hours',
  },
  tokens: {
    name: 'GenAI Playground inference gateway',
    category: 'AI and Machine Learning',
    consumedUnit: 'Tokens',
  },
};

/** The unit a row's rate prices: what FOCUS calls the pricing unit. */
function pricingUnit(row: LedgerRow): string {
  if (row.ratePer === 1_000_000) return '1000000 Tokens';
  if (row.ratePer === HOURS_PER_MONTH) return 'GiB-Months';
  return SERVICES[row.category].consumedUnit;
}

/** The platform is both provider and invoice issuer: this is internal chargeback. */
const PROVIDER = 'GenAI Playground';

/**
 * FinOps FOCUS 1.2 columns. The rate card is the list price and there are no discounts or
 * commitments, so BilledCost, EffectiveCost, ListCost and ContractedCost are the row's cost;
 * every row is a Usage charge for its hour, billed in its calendar month.
 */
export function focusColumns(currency: string): ExportColumns {
  return {
    names: [
      'BilledCost',
      'EffectiveCost',
      'ListCost',
      'ContractedCost',
      'BillingCurrency',
      'ChargeCategory',
      'ChargePeriodStart',
      'ChargePeriodEnd',
      'BillingPeriodStart',
      'BillingPeriodEnd',
      'ServiceName',
      'ServiceCategory',
      'PricingQuantity',
      'PricingUnit',
      'ListUnitPrice',
      'ConsumedQuantity',
      'ConsumedUnit',
      'ProviderName',
      'PublisherName',
      'InvoiceIssuerName',
      'ResourceId',
      'ResourceName',
      'x_Team',
      'x_CostCenter',
      'x_GpuPool',
      'x_Environment',
      'x_Model',
      'x_Basis',
      'x_Capacity',
    ],
    values: r => {
      const start = Date.parse(r.hour);
      const date = new Date(start);
      const cost = formatMicros(r.costMicros);
      const service = SERVICES[r.category];
      return [
        cost,
        cost,
        cost,
        cost,
        currency,
        'Usage',
        r.hour,
        new Date(start + 3_600_000).toISOString(),
        new Date(
          Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
        ).toISOString(),
        new Date(
          Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
        ).toISOString(),
        service.name,
        service.category,
        r.quantity / r.ratePer,
        pricingUnit(r),
        formatMicros(r.rateMicros),
        r.quantity,
        service.consumedUnit,
        PROVIDER,
        PROVIDER,
        PROVIDER,
        r.environment,
        r.environment,
        r.team,
        r.costCenter,
        r.pool,
        r.environment,
        r.model,
        r.basis,
        r.capacity,
      ];
    },
  };
}
