/**
 * glkeys' help (oclif `helpClass`): every command's help ends with where the GitLab token comes
 * from, or says that the command needs none, so nobody looks for a `--token` flag.
 */
import { Help, type Command } from '@oclif/core';

export const TOKEN_SOURCE =
  'GITLAB_TOKEN, else a no-echo prompt on a terminal, else one line on stdin (never a flag: flags stay in shell history). It needs the api scope (read_api for reads); `glkeys auth status` shows what a token can do.';

export function tokenSection(command: Pick<Command.Loadable, 'id' | 'flags'>): string {
  if (!('hostname' in (command.flags ?? {}))) return 'None: this command makes no GitLab API call.';
  if (command.id === 'ci:lint') return `Only with --project: ${TOKEN_SOURCE}`;
  return TOKEN_SOURCE;
}

export default class GlkeysHelp extends Help {
  protected override formatCommand(command: Command.Loadable): string {
    const text = super.formatCommand(command);
    if (command.pluginName !== this.config.pjson.name && command.pluginName !== '@glkeys/cli') return text;
    return `${text}\n\n${this.section('GITLAB TOKEN', this.wrap(tokenSection(command)))}`;
  }
}
