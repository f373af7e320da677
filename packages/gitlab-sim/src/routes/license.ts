// The license GitLab's `license=true` reports: the license file at the root of the default
// branch, recognised by its text (GitLab uses the licensee gem; two common texts are enough here).
import type { RepoFile } from '../state/model.js';

export interface LicenseBasic {
  key: string;
  name: string;
  nickname: string | null;
  html_url: string | null;
  source_url: string | null;
}

const FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i;

const KNOWN: Array<{ test: RegExp; license: LicenseBasic }> = [
  {
    test: /Permission is hereby granted, free of charge/,
    license: {
      key: 'mit',
      name: 'MIT License',
      nickname: null,
      html_url: 'http://choosealicense.com/licenses/mit/',
      source_url: 'https://opensource.org/licenses/MIT',
    },
  },
  {
    test: /Apache License\s+Version 2\.0/,
    license: {
      key: 'apache-2.0',
      name: 'Apache License 2.0',
      nickname: null,
      html_url: 'http://choosealicense.com/licenses/apache-2.0/',
      source_url: 'http://www.apache.org/licenses/LICENSE-2.0',
    },
  },
];

const OTHER: LicenseBasic = { key: 'other', name: 'Other', nickname: null, html_url: null, source_url: null };

export function detectLicense(files: Map<string, RepoFile> | undefined): { path: string; license: LicenseBasic } | null {
  if (!files) return null;
  const path = [...files.keys()].filter((f) => !f.includes('/') && FILE.test(f)).sort()[0];
  if (path === undefined) return null;
  const text = (files.get(path) as RepoFile).content.toString('utf8');
  return { path, license: KNOWN.find((k) => k.test.test(text))?.license ?? OTHER };
}
