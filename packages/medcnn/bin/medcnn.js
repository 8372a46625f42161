#!/usr/bin/env node
// The `medcnn` command. A committed launcher, so npm can link it before the TypeScript is built.
import '../dist/src/cli/main.js';
