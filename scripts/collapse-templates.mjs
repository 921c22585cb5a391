// A rollup plugin for the widget's CDN bundle: the line breaks and indentation inside its Lit
// templates (html`…`, css`…`, svg`…`, formatted by Prettier for people to read) become one
// space each. That is what the browser does with them anyway (no template of ours puts text in
// a whitespace-preserving element with line breaks of its own), and it keeps the bundle inside
// its size budget. Only template text changes: code, strings and `${…}` parts are untouched.
// It maps every output character back to its input, so the bundle's source map stays exact.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const vlq = (n) => {
  let v = n < 0 ? (-n << 1) | 1 : n << 1
  let out = ''
  do {
    let digit = v & 31
    v >>>= 5
    if (v) digit |= 32
    out += B64[digit]
  } while (v)
  return out
}

// After these a `/` starts a regular expression; after anything else it divides.
const BEFORE_REGEX = new Set([...'(,=:[!&|?{};+-*%<>~^'])

// A template right after one of these words is not tagged.
const KEYWORDS = new Set([
  'return',
  'typeof',
  'case',
  'yield',
  'await',
  'in',
  'of',
  'void',
  'delete',
  'else',
  'do',
])
/** Whether a template after `before` is tagged: an identifier (not a keyword) right before it. */
const tagged = (before) => {
  const word = /([\w$]+)\s*$/.exec(before)?.[1]
  return !!word && !KEYWORDS.has(word)
}

/**
 * Collapses whitespace runs holding a line break inside tagged templates of `code`; returns the
 * new code and, for each output character, the input offset it came from.
 */
export function collapseTemplates(code) {
  let out = ''
  const from = []
  let i = 0
  const keep = (n = 1) => {
    for (const end = i + n; i < end; i++) {
      out += code[i]
      from.push(i)
    }
  }
  const fail = (why) => {
    throw new Error(`collapse-templates: ${why} at offset ${i}`)
  }

  // One template from its opening backtick; `collapse` for tagged ones.
  const template = (collapse) => {
    keep()
    while (i < code.length) {
      const c = code[i]
      if (c === '\\') keep(2)
      else if (c === '`') return keep()
      else if (c === '$' && code[i + 1] === '{') {
        keep(2)
        js(true)
      } else if (collapse && /\s/.test(c) && /^\s*\n/.test(code.slice(i, i + 200))) {
        from.push(i)
        out += ' '
        while (i < code.length && /\s/.test(code[i])) i++
      } else keep()
    }
    fail('unterminated template')
  }

  // Code, up to the `}` that closes a `${` when `inner`, else to the end.
  const js = (inner) => {
    let depth = 0
    let last = ''
    while (i < code.length) {
      const c = code[i]
      if (c === '"' || c === "'") {
        keep()
        while (i < code.length && code[i] !== c) keep(code[i] === '\\' ? 2 : 1)
        keep()
      } else if (c === '/' && code[i + 1] === '/') {
        while (i < code.length && code[i] !== '\n') keep()
        continue
      } else if (c === '/' && code[i + 1] === '*') {
        const end = code.indexOf('*/', i + 2)
        if (end < 0) fail('unterminated comment')
        keep(end + 2 - i)
        continue
      } else if (
        c === '/' &&
        (last === '' || BEFORE_REGEX.has(last) || /\breturn\s*$/.test(out.slice(-12)))
      ) {
        keep()
        let cls = false
        while (i < code.length && (cls || code[i] !== '/')) {
          if (code[i] === '[') cls = true
          else if (code[i] === ']') cls = false
          keep(code[i] === '\\' ? 2 : 1)
        }
        keep()
      } else if (c === '`') {
        template(tagged(out.slice(-24)))
      } else if (c === '{') {
        depth++
        keep()
      } else if (c === '}') {
        if (inner && depth === 0) return keep()
        depth--
        keep()
      } else keep()
      if (!/\s/.test(c)) last = c
    }
    if (inner) fail('unterminated ${…}')
  }

  js(false)
  return { code: out, from }
}

/** A source map (v3) from the output of `collapseTemplates` back to its input. */
function sourceMap(input, code, from, file) {
  const lineOf = []
  const lineStarts = [0]
  for (let k = 0; k < input.length; k++) if (input[k] === '\n') lineStarts.push(k + 1)
  let line = 0
  for (let k = 0; k <= input.length; k++) {
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= k) line++
    lineOf[k] = line
  }
  let mappings = ''
  let genCol = 0
  let prevGenCol = 0
  let prevLine = 0
  let prevCol = 0
  let first = true
  for (let k = 0; k < code.length; k++) {
    if (code[k] === '\n') {
      mappings += ';'
      genCol = prevGenCol = 0
      first = true
      continue
    }
    const src = from[k]
    const srcLine = lineOf[src]
    const srcCol = src - lineStarts[srcLine]
    mappings +=
      (first ? '' : ',') + vlq(genCol - prevGenCol) + vlq(0) + vlq(srcLine - prevLine) + vlq(srcCol - prevCol)
    first = false
    prevGenCol = genCol
    prevLine = srcLine
    prevCol = srcCol
    genCol++
  }
  return { version: 3, file, sources: [file], names: [], mappings }
}

/** The rollup plugin: collapses the templates of the widget's own modules. */
export function collapseTemplatesPlugin({ include }) {
  return {
    name: 'roomful-collapse-templates',
    transform(input, id) {
      if (!include.test(id)) return null
      const { code, from } = collapseTemplates(input)
      return { code, map: sourceMap(input, code, from, id) }
    },
  }
}
