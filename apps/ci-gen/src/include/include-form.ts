/**
 * A preset as a file another pipeline includes. GitLab deep-merges an included file under the
 * including one, so a preset's `stages`, `workflow`, `default` and global `variables` would
 * replace or leak into the user's pipeline (their jobs lose their stages, run in the preset's
 * image, stop running for tags). The include form keeps all of that inside its own jobs: each
 * sets its image, tags and variables and takes nothing from the user's `default:`
 * (`inherit: default: false`, so a `before_script` or image of theirs never runs in ours).
 * Its stages are merged into the user's file (merge-stages.ts).
 */
import type { Job, Pipeline } from '../model/pipeline.js';
import { renderPipeline } from '../model/render.js';

export function includeForm(pipeline: Pipeline): Pipeline {
  const defaults = pipeline.default ?? {};
  const jobs: Record<string, Job> = {};
  for (const [name, job] of Object.entries(pipeline.jobs)) {
    const variables = { ...pipeline.variables, ...job.variables };
    const image = job.image ?? defaults.image;
    const tags = job.tags ?? defaults.tags;
    const interruptible = job.interruptible ?? defaults.interruptible;
    const timeout = job.timeout ?? defaults.timeout;
    const beforeScript = job.before_script ?? defaults.before_script;
    jobs[name] = {
      ...job,
      inherit: { default: false },
      ...(image === undefined ? {} : { image }),
      ...(tags === undefined ? {} : { tags }),
      ...(interruptible === undefined ? {} : { interruptible }),
      ...(timeout === undefined ? {} : { timeout }),
      ...(beforeScript === undefined ? {} : { before_script: beforeScript }),
      ...(Object.keys(variables).length === 0 ? {} : { variables }),
    };
  }
  const { workflow: _workflow, default: _default, variables: _variables, ...rest } = pipeline;
  return {
    ...rest,
    header: [
      pipeline.header,
      `Included from the pipeline, which lists its stages (${pipeline.stages.join(', ')}); each job sets its own image`,
      'and variables and takes nothing from default:, so neither pipeline changes the other.',
    ]
      .filter(Boolean)
      .join('\n'),
    jobs,
  };
}

/** The include form's text. */
export function renderInclude(pipeline: Pipeline): string {
  return renderPipeline(includeForm(pipeline), { asInclude: true });
}
