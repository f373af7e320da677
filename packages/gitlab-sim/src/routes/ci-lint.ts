// POST /projects/:id/ci/lint: validates a CI config in the project's context.
import type { Router } from '../router.js';
import { ACCESS_LEVEL } from '../state/model.js';
import { json, gitlabError } from '../http/response.js';
import { toBool } from '../http/params.js';
import { lintCiConfig } from '../ci/lint.js';
import { requireProject } from './lookup.js';

export function registerCiLintRoutes(router: Router): void {
  router.add({
    method: 'POST',
    template: '/projects/:id/ci/lint',
    auth: 'required',
    handler: (ctx) => {
      const { input } = ctx;
      const errors: string[] = [];
      if (input['content'] === undefined || input['content'] === null) errors.push('content is missing');
      else if (typeof input['content'] !== 'string') errors.push('content is invalid');
      const dryRun = toBool(input['dry_run']);
      const includeJobs = toBool(input['include_jobs']);
      if (dryRun === null) errors.push('dry_run is invalid');
      if (includeJobs === null) errors.push('include_jobs is invalid');
      if (errors.length > 0) throw gitlabError.invalidParams(errors);
      // A dry run simulates pipeline creation (Developer); a static lint needs read access to code.
      requireProject(ctx, dryRun ? ACCESS_LEVEL.developer : ACCESS_LEVEL.reporter);
      const result = lintCiConfig(String(input['content']));
      const { jobs, ...rest } = result;
      return json(200, includeJobs ? { ...rest, jobs } : rest);
    },
  });
}
