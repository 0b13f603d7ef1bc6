export { ExpiryText, EXPIRY_WARNING_HOURS } from './ExpiryText';
