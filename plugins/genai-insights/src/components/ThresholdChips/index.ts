export { ThresholdChips } from './ThresholdChips';
