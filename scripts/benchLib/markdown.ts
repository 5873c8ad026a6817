// Rewrites one marked section of a markdown file, so reruns replace their own results only.
import * as fs from 'fs';

export function replaceSection(file: string, name: string, body: string, preamble = ''): void {
  const begin = `<!-- ${name}:begin (written by npm run ${name}; do not edit by hand) -->`;
  const end = `<!-- ${name}:end -->`;
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : preamble;
  const block = `${begin}\n${body.trim()}\n${end}`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = `${text.replace(/\s*$/, '')}\n\n${block}\n`;
  fs.writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}
