// Reads the message catalogues (content/messages/<lang>.toml) so the tests
// compare the pages with the catalogue texts instead of hard-coded strings.
// Understands the subset the catalogues use: comments, [dotted.tables] and
// key = "basic string" lines.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './server.mjs';

function unescapeBasic(s) {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case '"': return '"';
      case '\\': return '\\';
      case 'u': case 'U': return String.fromCodePoint(parseInt(e.slice(1), 16));
      default: return e;
    }
  });
}

/** Returns a flat map from dotted key ("home.title") to text. */
export function loadMessages(lang) {
  const file = path.join(repoRoot, 'content', 'messages', `${lang}.toml`);
  const out = new Map();
  let table = '';
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const t = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (t) { table = t[1].split('.').map((p) => p.replace(/^"|"$/g, '')).join('.'); continue; }
    const kv = /^("?[\w-]+"?)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(line);
    if (kv) {
      const key = kv[1].replace(/^"|"$/g, '');
      out.set(table ? `${table}.${key}` : key, unescapeBasic(kv[2]));
    }
  }
  return out;
}

/** Like loadMessages, but throws on a missing key so a renamed key fails loudly. */
export function catalogue(lang) {
  const m = loadMessages(lang);
  return (key) => {
    if (!m.has(key)) throw new Error(`message ${key} missing from ${lang}.toml`);
    return m.get(key);
  };
}
