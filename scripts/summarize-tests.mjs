// Reads the test run's output on stdin, passes it through, and ends with one line totalling
// vitest's per-package "Tests  N passed | M failed" summaries: `tests: N passed, M failed`.
import { createInterface } from 'node:readline';

const totals = { passed: 0, failed: 0, skipped: 0 };
let packages = 0;
for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${line}\n`);
  const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
  const summary = /\bTests\s+(.*)\(\d+\)\s*$/.exec(plain);
  if (!summary) continue;
  packages += 1;
  for (const [, count, kind] of summary[1].matchAll(/(\d+) (passed|failed|skipped)/g)) totals[kind] += Number(count);
}
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`\n${packages} packages tested`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed${skipped}`);
