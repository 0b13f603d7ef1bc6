/**
 * Permission policy of the GenAI Playground portal.
 *
 * @packageDocumentation
 */
export { permissionModuleGenaiPlayground as default } from './module';
export {
  DEFAULT_ADMIN_GROUPS,
  environmentConditions,
  GenaiPlaygroundPermissionPolicy,
} from './GenaiPlaygroundPermissionPolicy';
export {
  CatalogTeamLeads,
  LEADS_ANNOTATION,
  parseLeads,
  type TeamLeads,
} from './TeamLeads';
