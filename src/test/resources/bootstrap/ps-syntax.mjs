// PowerShell syntax check with the tree-sitter PowerShell grammar (WebAssembly, no pwsh needed).
// Run from a directory whose node_modules has web-tree-sitter and tree-sitter-powershell:
//   node ps-syntax.mjs FILE...   -> one line per syntax error, exit 1 if any file has one.
import { Parser, Language } from 'web-tree-sitter';
import fs from 'node:fs';
await Parser.init();
const lang = await Language.load('node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm');
const p = new Parser(); p.setLanguage(lang);
let bad = 0;
for (const f of process.argv.slice(2)) {
  const src = fs.readFileSync(f, 'utf8');
  const tree = p.parse(src);
  const errs = [];
  const walk = (n) => { if (n.type === 'ERROR' || n.isMissing) errs.push(n); for (const c of n.children) walk(c); };
  walk(tree.rootNode);
  for (const e of errs.slice(0, 5)) console.log(`${f}:${e.startPosition.row + 1}:${e.startPosition.column + 1}: syntax error near ${JSON.stringify(src.slice(e.startIndex, Math.min(e.endIndex, e.startIndex + 60)))}`);
  if (errs.length) bad++;
}
process.exit(bad ? 1 : 0);
