/**
 * Core names the field an error is about in its own words (`registryHost`, `secret.name`);
 * a command reports it as the flag the user typed (`--registry-host`, `--secret`).
 */
import type { ErrorReport } from './errors.js';

export function withFlagNames(report: ErrorReport, fieldFlags: Record<string, string>): ErrorReport {
  const flag = report.field === undefined ? undefined : fieldFlags[report.field];
  if (!flag || report.field === undefined) return report;
  const prefix = `${report.field}:`;
  const message = report.message.startsWith(prefix) ? `${flag}:${report.message.slice(prefix.length)}` : report.message;
  return { ...report, field: flag, message };
}
