export { QuotaGauges } from './QuotaGauges';
