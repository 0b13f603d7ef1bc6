import type { LedgerRow } from '@genai-portal/plugin-genai-insights-common';
import { PassThrough } from 'node:stream';
import { focusColumns, ledgerColumns } from './columns';
import { csvField } from './csv';
import { writeCsv } from './writeCsv';

const ROW: LedgerRow = {
  hour: '2026-11-30T23:00:00.000Z',
  environment: 'ml-research-lab',
  team: 'group:default/ml-research',
  costCenter: 'CC-100',
  pool: 'mi300x',
  category: 'tokens',
  unit: 'input-tokens',
  model: 'llama, 70b',
  basis: 'used',
  capacity: 'on-demand',
  quantity: 2_500_000,
  rateMicros: 150_000,
  ratePer: 1_000_000,
  costMicros: 375_000,
};

async function exportOf(
  columns: ReturnType<typeof focusColumns>,
  rows: LedgerRow[],
) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', c => chunks.push(c));
  async function* pages() {
    yield rows;
    yield rows;
  }
  await writeCsv(out, columns, pages());
  return Buffer.concat(chunks).toString('utf8');
}

describe('exports', () => {
  it('has the FOCUS 1.2 columns finance tools expect, and x_ columns', () => {
    const { names } = focusColumns('USD');
    expect(names).toEqual(
      expect.arrayContaining([
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
      ]),
    );
  });

  it('writes a FOCUS row of tokens with exact money and the billing month', () => {
    const columns = focusColumns('USD');
    const values = Object.fromEntries(
      columns.names.map((name, i) => [name, columns.values(ROW)[i]]),
    );
    expect(values).toMatchObject({
      BilledCost: '0.375000',
      EffectiveCost: '0.375000',
      ListCost: '0.375000',
      ContractedCost: '0.375000',
      BillingCurrency: 'USD',
      ChargeCategory: 'Usage',
      ChargePeriodStart: '2026-11-30T23:00:00.000Z',
      ChargePeriodEnd: '2026-12-01T00:00:00.000Z',
      BillingPeriodStart: '2026-11-01T00:00:00.000Z',
      BillingPeriodEnd: '2026-12-01T00:00:00.000Z',
      ServiceCategory: 'AI and Machine Learning',
      PricingQuantity: 2.5,
      PricingUnit: '1000000 Tokens',
      ConsumedQuantity: 2_500_000,
      ConsumedUnit: 'Tokens',
      ResourceId: 'ml-research-lab',
      x_Team: 'group:default/ml-research',
      x_CostCenter: 'CC-100',
      x_GpuPool: 'mi300x',
      x_Model: 'llama, 70b',
    });
  });

  it('streams a header and every page as RFC 4180 CSV', async () => {
    const csv = await exportOf(ledgerColumns('USD'), [ROW]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'hour,environment,team,costCenter,pool,category,unit,model,basis,capacity,quantity,rate,ratePer,cost,currency',
    );
    expect(lines[1]).toBe(
      '2026-11-30T23:00:00.000Z,ml-research-lab,group:default/ml-research,CC-100,mi300x,tokens,input-tokens,"llama, 70b",used,on-demand,2500000,0.150000,1000000,0.375000,USD',
    );
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });

  it('quotes what a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
  });
});
