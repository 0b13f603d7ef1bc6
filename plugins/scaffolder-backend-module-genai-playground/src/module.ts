import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { GenaiPlaygroundClient } from '@genai-portal/plugin-genai-playground-node';
import { createGenaiEnvironmentCreateAction } from './actions/genaiEnvironmentCreate';
import { createGenaiInferenceDeployAction } from './actions/genaiInferenceDeploy';
import { createGenaiJobSubmitAction } from './actions/genaiJobSubmit';

/**
 * The scaffolder actions of the GenAI playground: `genai:environment:create` and
 * `genai:job:submit`.
 * @public
 */
export const scaffolderModuleGenaiPlayground = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'genai-playground',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, discovery, auth, catalog }) {
        const client = new GenaiPlaygroundClient({ discovery });
        scaffolder.addActions(
          createGenaiEnvironmentCreateAction({ client, auth, catalog }),
          createGenaiInferenceDeployAction({ client, auth }),
          createGenaiJobSubmitAction({ client, auth }),
        );
      },
    });
  },
});
