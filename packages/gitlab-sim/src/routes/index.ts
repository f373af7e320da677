import { Router } from '../router.js';
import { json } from '../http/response.js';
import { registerUserRoutes } from './users.js';
import { registerNamespaceRoutes } from './namespaces.js';
import { registerGroupRoutes } from './groups.js';
import { registerProjectRoutes } from './projects.js';
import { registerNamespaceProjectRoutes } from './namespace-projects.js';
import { registerDeployTokenRoutes } from './deploy-tokens.js';
import { registerDeployKeyRoutes } from './deploy-keys.js';
import { registerRepositoryRoutes } from './repository.js';
import { registerVariableRoutes } from './variables.js';
import { registerCiLintRoutes } from './ci-lint.js';

export const SIM_GITLAB_VERSION = '18.9.0-sim';

export function buildRouter(): Router {
  const router = new Router();
  router.add({
    method: 'GET',
    template: '/version',
    auth: 'required',
    handler: () => json(200, { version: SIM_GITLAB_VERSION, revision: 'sim', kas: { enabled: false }, enterprise: false }),
  });
  registerUserRoutes(router);
  registerNamespaceRoutes(router);
  registerGroupRoutes(router);
  registerProjectRoutes(router);
  registerNamespaceProjectRoutes(router);
  registerDeployTokenRoutes(router);
  registerDeployKeyRoutes(router);
  registerRepositoryRoutes(router);
  registerVariableRoutes(router);
  registerCiLintRoutes(router);
  return router;
}
