export { CompliancePage, CompliancePageContent } from './CompliancePage';
