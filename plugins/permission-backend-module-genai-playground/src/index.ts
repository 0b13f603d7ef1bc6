/**
 * Permission policy of the GenAI Playground portal.
 *
 * @packageDocumentation
 */
export { permissionModuleGenaiPlayground as default } from './module';
export {
  DEFAULT_ADMIN_GROUPS,
  GenaiPlaygroundPermissionPolicy,
} from './GenaiPlaygroundPermissionPolicy';
export { environmentConditions, insightsTeamConditions } from './conditions';
export {
  CatalogTeamLeads,
  LEADS_ANNOTATION,
  parseLeads,
  type TeamLeads,
} from './TeamLeads';
