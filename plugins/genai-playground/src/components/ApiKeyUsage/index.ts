export { ApiKeyUsage } from './ApiKeyUsage';
