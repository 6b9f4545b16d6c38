#!/usr/bin/env node
// The `pulse-collector` command. npm links a package's bins when it installs the package: in this
// repository that is `npm ci`, before `npm run build` has written dist/, and npm skips a bin whose
// file does not exist yet. So the bin is this committed file, which runs the built CLI.
import '../dist/esm/cli.js';
