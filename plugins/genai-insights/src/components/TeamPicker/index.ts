export { TeamPicker } from './TeamPicker';
