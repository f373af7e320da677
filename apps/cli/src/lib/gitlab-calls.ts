/**
 * The GitLab requests this process sent (every attempt, retries included), counted by the
 * transport's onAttempt hook. A report says "Nothing was sent to GitLab." only while both are 0:
 * a check that needs a read (is the owner a group?) fails after GitLab was asked.
 */
import type { TransportOptions } from '@glkeys/core/read';

export const gitlabCalls = { reads: 0, writes: 0 };

export function countCalls(): Pick<TransportOptions, 'onAttempt'> {
  return {
    onAttempt: (event) => {
      if (event.request.method === 'GET' || event.request.method === 'HEAD') gitlabCalls.reads += 1;
      else gitlabCalls.writes += 1;
    },
  };
}

const NOTHING_SENT = 'Nothing was sent to GitLab.';

/** The hint with "Nothing was sent" replaced by what this process did send, when it sent anything. */
export function truthfulHint(hint: string | undefined): string | undefined {
  if (hint === undefined || !hint.includes(NOTHING_SENT)) return hint;
  const { reads, writes } = gitlabCalls;
  if (reads + writes === 0) return hint;
  const said =
    writes === 0
      ? `GitLab was only read (${plural(reads, 'request')}); nothing was written there.`
      : `${plural(reads + writes, 'request')} reached GitLab before this check, ${plural(writes, 'write')} among them: check what they changed.`;
  return hint.replace(NOTHING_SENT, said);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
