// POST /projects/:id/ci/lint: validates a CI config in the project's context.
import type { Router } from '../router.js';
import { ACCESS_LEVEL } from '../state/model.js';
import { json, gitlabError } from '../http/response.js';
import { toBool } from '../http/params.js';
import { validateCiYaml } from '@glkeys/gitlab-ci-schema';
import { lintCiConfig } from '../ci/lint.js';
import { requireProject } from './lookup.js';

export function registerCiLintRoutes(router: Router): void {
  router.add({
    method: 'POST',
    template: '/projects/:id/ci/lint',
    auth: 'required',
    handler: async (ctx) => {
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
      const content = String(input['content']);
      const result = lintCiConfig(content);
      // GitLab validates against its CI schema as well as its config parser; add what the schema finds.
      if (content.trim() !== '') {
        const schema = await validateCiYaml(content);
        const seen = new Set(result.errors);
        for (const error of schema.errors) {
          // lintCiConfig already holds the config checks, in GitLab's own sentences.
          if (error.check === 'config') continue;
          const text = `${error.path === '' ? 'root' : error.path.slice(1).replaceAll('/', ':')} ${error.message}`;
          if (!seen.has(text)) result.errors.push(text);
        }
        result.valid = result.errors.length === 0;
      }
      const { jobs, ...rest } = result;
      return json(200, includeJobs ? { ...rest, jobs } : rest);
    },
  });
}
