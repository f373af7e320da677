#!/usr/bin/env node
// Thin launcher so the bin exists before the first build.
import('../dist/cli.js');
