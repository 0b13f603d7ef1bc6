export { ComplianceError } from './ComplianceError';
export { LevelCounts } from './LevelCounts';
export { ScoreValue } from './ScoreValue';
export { StatusBadge } from './StatusBadge';
export { ScoreSparkline } from './ScoreSparkline';
