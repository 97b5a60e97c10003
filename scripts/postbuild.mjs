// Writes the `trustlint` bin entry (dist/cli.js) that package.json points at.
import { chmodSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const target = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
writeFileSync(target, "#!/usr/bin/env node\nimport { run } from './src/cli/main.js';\nprocess.exitCode = await run(process.argv.slice(2));\n");
chmodSync(target, 0o755);
