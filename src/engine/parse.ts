/** Chooses the parser for a file and parses it once. */
import { parseJson, type ParseFailure } from '../parsers/json.js';
import { parseYaml } from '../parsers/yaml.js';
import type { Node } from '../parsers/tree.js';
import { isHclPath, parseHcl, type HclBody } from '../parsers/hcl.js';
import type { TemplatedJson } from '../parsers/template.js';
import { isTemplatePath, parseTemplateFile } from '../extract/template.js';

export interface ParsedFile {
  roots: Node[];
  error?: ParseFailure;
  language: 'json' | 'yaml' | 'hcl';
  /** A `.tf` file: its HCL body (`roots` is empty). */
  hcl?: HclBody;
  /** A `templatefile()` template: the JSON read with its `${...}` / `%{...}` regions. */
  template?: TemplatedJson;
}

export function languageOf(path: string, text: string): 'json' | 'yaml' {
  if (/\.json$/i.test(path)) return 'json';
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  // `.template` and anything named explicitly: JSON when it starts like JSON.
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/** `asTemplate`: the file is a template a `templatefile()` call renders, whatever its name. */
export function parseText(path: string, text: string, asTemplate = false): ParsedFile {
  if (isHclPath(path)) {
    // Throws HclNotLoadedError unless loadHcl() has completed (Linter.lintFile / prepare do it).
    const r = parseHcl(text);
    return { roots: [], hcl: r.body, error: r.error, language: 'hcl' };
  }
  if (asTemplate || isTemplatePath(path)) {
    const t = parseTemplateFile(text);
    // A template that does not parse may still render valid JSON, when something it renders stands
    // outside the JSON strings; with every placeholder inside a string, the error is the text's own.
    const error = t.error && !t.regionsOutsideStrings ? t.error : undefined;
    return { roots: t.root ? [t.root] : [], error, language: 'json', template: t };
  }
  const language = languageOf(path, text);
  if (language === 'json') {
    const r = parseJson(text);
    return { roots: r.root ? [r.root] : [], error: r.error, language };
  }
  const r = parseYaml(text);
  return { roots: r.documents, error: r.error, language };
}

/** Does a file that failed to parse look like something trustlint is meant to read? */
export function looksRelevant(text: string): boolean {
  return /AWSTemplateFormatVersion|AWS::|["']?Statement["']?\s*:|aws_iam_|planned_values|^Resources\s*:/m.test(text);
}
