/**
 * oclif's command_not_found hook: "token delete 3" is not a command, so say which command is
 * nearest in the same topic ("token revoke"), spelled with spaces as the user types it, and
 * exit 2 like any usage error. A glkeys host CLI that loads glkeys as a plugin sees the same
 * answer for glkeys' topics; other ids are left to the next hook or oclif's own message.
 */
import { Errors, type Hook } from '@oclif/core';
import { nearest } from '../lib/usage.js';
import { escapeControl } from '@glkeys/core/read';

/** Words people reach for that name a glkeys command (per topic). */
const SYNONYMS: Record<string, Record<string, string>> = {
  token: {
    delete: 'revoke',
    remove: 'revoke',
    rm: 'revoke',
    del: 'revoke',
    ls: 'list',
    show: 'get',
    new: 'create',
    add: 'create',
    renew: 'rotate',
  },
  key: {
    revoke: 'delete',
    remove: 'delete',
    rm: 'delete',
    del: 'delete',
    ls: 'list',
    show: 'get',
    new: 'create',
    add: 'create',
    renew: 'rotate',
    register: 'create',
  },
  auth: { whoami: 'status', login: 'status', info: 'status' },
  ci: { validate: 'lint', check: 'lint', gen: 'generate', init: 'setup', label: 'kestra-label' },
  bootstrap: { flux: 'gitlab', github: 'git' },
};

const hook: Hook<'command_not_found'> = async function (options) {
  const words = options.id.split(':');
  const ids = options.config.commandIDs;
  const topics = [...new Set(ids.filter((id) => id.includes(':')).map((id) => id.split(':')[0]!))];
  const exact = topics.includes(words[0]!);
  const topic = exact ? words[0]! : nearest(words[0]!, topics);
  if (!topic) return;
  const inTopic = ids.filter((id) => id.startsWith(`${topic}:`)).map((id) => id.slice(topic.length + 1));
  const word = words[1];
  const command = word === undefined ? undefined : (SYNONYMS[topic]?.[word] ?? nearest(word, inTopic));
  const typed = words.slice(0, 2).join(' ');
  const suggestion = command && inTopic.includes(command) ? `${topic} ${command}` : exact ? undefined : topic;
  const bin = options.config.bin;
  const message = `"${escapeControl(typed)}" is not a ${bin} command${suggestion ? `; did you mean "${bin} ${suggestion}"?` : '.'}`;
  const hint = `\`${bin} ${topic} --help\` lists the ${topic} commands. Nothing was sent to GitLab.`;
  if (options.argv?.includes('--json')) {
    const error = { code: 'USAGE', message, exitCode: 2, retryable: false, field: 'command', rule: 'known command', hint };
    process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
  } else {
    process.stderr.write(`Error: ${message}\n${hint}\n`);
  }
  throw new Errors.ExitError(2);
};

export default hook;
