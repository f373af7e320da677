// POST /projects settings the simulator stores and reports back in the Project entity without
// acting on them: no feature is switched off, no merge method enforced, no CI path read.
import { scalarText, toBool, toStringArray } from '../http/params.js';

const BOOLEANS = [
  'issues_enabled',
  'merge_requests_enabled',
  'wiki_enabled',
  'jobs_enabled',
  'snippets_enabled',
  'container_registry_enabled',
  'packages_enabled',
  'shared_runners_enabled',
  'lfs_enabled',
  'request_access_enabled',
  'emails_enabled',
  'public_jobs',
  'only_allow_merge_if_pipeline_succeeds',
  'only_allow_merge_if_all_discussions_are_resolved',
  'allow_merge_on_skipped_pipeline',
  'remove_source_branch_after_merge',
  'printing_merge_request_link_enabled',
  'resolve_outdated_diff_discussions',
  'autoclose_referenced_issues',
] as const;

const ACCESS = ['disabled', 'private', 'enabled'];
const ENUMS: Record<string, string[]> = {
  merge_method: ['merge', 'rebase_merge', 'ff'],
  squash_option: ['never', 'always', 'default_on', 'default_off'],
  issues_access_level: ACCESS,
  merge_requests_access_level: ACCESS,
  wiki_access_level: ACCESS,
  builds_access_level: ACCESS,
  snippets_access_level: ACCESS,
  repository_access_level: ACCESS,
  forking_access_level: ACCESS,
  container_registry_access_level: ACCESS,
  pages_access_level: [...ACCESS, 'public'],
};

// A feature's *_enabled flag and its *_access_level describe one setting, as in GitLab.
const FEATURE_PAIRS: Array<[string, string]> = [
  ['issues_enabled', 'issues_access_level'],
  ['merge_requests_enabled', 'merge_requests_access_level'],
  ['wiki_enabled', 'wiki_access_level'],
  ['jobs_enabled', 'builds_access_level'],
  ['snippets_enabled', 'snippets_access_level'],
  ['container_registry_enabled', 'container_registry_access_level'],
];

/** Every setting name POST /projects stores without acting on it (listed in the README). */
export const STORED_PROJECT_SETTINGS = [...BOOLEANS, ...Object.keys(ENUMS), 'ci_config_path', 'build_timeout', 'topics'];

/** Grape's checks of the settings; returns the stored values or the parameter errors. */
export function readProjectSettings(input: Record<string, unknown>): { settings: Record<string, unknown>; errors: string[] } {
  const settings: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const name of BOOLEANS) {
    const v = toBool(input[name]);
    if (v === null) errors.push(`${name} is invalid`);
    else if (v !== undefined) settings[name] = v;
  }
  for (const [name, values] of Object.entries(ENUMS)) {
    if (input[name] === undefined) continue;
    const v = scalarText(input[name]);
    if (values.includes(v)) settings[name] = v;
    else errors.push(`${name} does not have a valid value`);
  }
  if (input['ci_config_path'] !== undefined) settings['ci_config_path'] = scalarText(input['ci_config_path']);
  if (input['build_timeout'] !== undefined) {
    const t = Number(scalarText(input['build_timeout']));
    if (Number.isInteger(t)) settings['build_timeout'] = t;
    else errors.push('build_timeout is invalid');
  }
  const topics = toStringArray(input['topics'] ?? input['tag_list']);
  if (topics === null) errors.push('topics is invalid');
  else if (topics !== undefined) settings['topics'] = topics;
  for (const [flag, level] of FEATURE_PAIRS) {
    if (settings[flag] !== undefined && settings[level] === undefined) settings[level] = settings[flag] ? 'enabled' : 'disabled';
    if (settings[level] !== undefined && settings[flag] === undefined) settings[flag] = settings[level] !== 'disabled';
  }
  if (settings['topics'] !== undefined) settings['tag_list'] = settings['topics'];
  return { settings, errors };
}
