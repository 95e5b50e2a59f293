#!/usr/bin/env -S node --max-semi-space-size=8
// The Node option above sizes V8's young generation, which Node reads only at start. Node 22 and
// later size it from the machine's memory: a 1,000-project plan then peaked at ~320 MB, against
// ~215 MB with 8 MB semi-spaces, in the same time (decision 75). `node bin/octosync.js` runs
// without it; the Docker image's entry point passes it too.
import '../dist/main.js';
