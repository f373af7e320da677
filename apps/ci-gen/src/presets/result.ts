import type { Pipeline } from '../model/pipeline.js';
import type { Needs } from './needs.js';

/** What every preset returns: the pipeline model and what must exist in GitLab for it to run. */
export interface PresetResult {
  pipeline: Pipeline;
  needs: Needs;
}
