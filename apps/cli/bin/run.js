#!/usr/bin/env node
// The glkeys launcher: oclif reads oclif.manifest.json, so only the command that runs is loaded.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
