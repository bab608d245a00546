// A small lexer for Lake SQL, enough to colour the editor and to know
// where the caret is for completion: comments, strings, quoted names,
// numbers, store IDs (a UUID, which starts with a digit), identifiers,
// parameters ($EDS_ID, ?) and operators. It never fails: anything else is
// one 'other' character.

export const KEYWORDS = new Set(('select from where group by order having limit offset as and or not in is null like between case when then else end ' +
  'distinct union all join left right inner outer full cross on with asc desc nulls first last explain analyze cast try_cast timestamp date ' +
  'interval true false exists row array map varchar bigint double boolean integer unnest escape over partition current_timestamp ' +
  'current_date day hour minute second month year week except intersect json').split(' '));

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;

export function tokenize(s) {
  const out = [];
  let i = 0;
  const n = s.length;
  const push = (type, start, end) => out.push({type, start, end, text: s.slice(start, end)});
  while (i < n) {
    const c = s[i];
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      while (i < n && ' \t\n\r'.includes(s[i])) i++;
      push('ws', start, i);
    } else if (c === '-' && s[i + 1] === '-') {
      while (i < n && s[i] !== '\n') i++;
      push('comment', start, i);
    } else if (c === '/' && s[i + 1] === '*') {
      const e = s.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      push('comment', start, i);
    } else if (c === "'") {
      i++;
      while (i < n) {
        if (s[i] === "'") {
          if (s[i + 1] === "'") { i += 2; continue; }
          i++;
          break;
        }
        i++;
      }
      push('string', start, i);
    } else if (c === '"' || c === '`') {
      const e = s.indexOf(c, i + 1);
      i = e < 0 ? n : e + 1;
      push('qident', start, i);
    } else if (/[0-9]/.test(c)) {
      const m = UUID.exec(s.slice(i, i + 36));
      if (m) {
        i += 36;
        push('table', start, i);
      } else {
        while (i < n && /[0-9.eE]/.test(s[i])) i++;
        // A store name may start with digits (my-2024-store): an identifier.
        if (i < n && /[A-Za-z_]/.test(s[i])) {
          while (i < n && /[A-Za-z0-9_]/.test(s[i])) i++;
          push('ident', start, i);
        } else {
          push('number', start, i);
        }
      }
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_]/.test(s[i])) i++;
      const word = s.slice(start, i);
      let j = i;
      while (j < n && (s[j] === ' ' || s[j] === '\t')) j++;
      if (KEYWORDS.has(word.toLowerCase())) push('keyword', start, i);
      else if (s[j] === '(') push('func', start, i);
      else push('ident', start, i);
    } else if (c === '$') {
      i++;
      while (i < n && /[A-Za-z0-9_$]/.test(s[i])) i++;
      push('param', start, i);
    } else if (c === '?') {
      i++;
      push('param', start, i);
    } else if ('=<>!|+-*/%'.includes(c)) {
      i++;
      while (i < n && '=<>|'.includes(s[i]) && i - start < 2) i++;
      push('op', start, i);
    } else {
      i++;
      push('other', start, i);
    }
  }
  return out;
}

/** The statement's significant tokens (no whitespace or comments). */
export function significant(tokens) {
  return tokens.filter(t => t.type !== 'ws' && t.type !== 'comment');
}
