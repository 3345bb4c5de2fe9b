package duck

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Statements splits a text of several SQL statements at the semicolons that end them. A semicolon
// inside a string ('...', E'...'), a quoted identifier ("..."), a comment (-- to the end of the
// line, /* ... */ nested as DuckDB nests them) or a dollar-quoted string ($$...$$, $tag$...$tag$)
// does not end a statement. Pieces holding only blanks and comments are dropped; each statement
// keeps its leading comments. The statements are run one by one because duckdb-go binds parameters
// only to the last statement of a multi-statement string.
func Statements(text string) []string {
	var out []string
	start := 0
	code := false // the current piece holds more than blanks and comments
	emit := func(end int) {
		if code {
			out = append(out, strings.TrimSpace(text[start:end]))
		}
		start, code = end+1, false
	}
	scan(text, emit, func() { code = true }, nil)
	emit(len(text))
	return out
}

// Parameters lists the named parameters ($name) a statement references, once each, in the order
// they first appear; a $ inside a string, a quoted identifier, a comment or a dollar-quoted string
// is not one, nor is a positional parameter ($1).
func Parameters(statement string) []string {
	var out []string
	seen := map[string]bool{}
	scan(statement, nil, nil, func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	})
	return out
}

// scan walks text the way DuckDB's parser reads strings, quoted identifiers, comments and
// dollar-quoted strings, and calls end(i) at each semicolon at position i that ends a statement,
// code() at each character that is neither blank nor part of a comment, and param(name) at each
// named parameter. Any callback may be nil.
func scan(text string, end func(i int), code func(), param func(name string)) {
	if end == nil {
		end = func(int) {}
	}
	if code == nil {
		code = func() {}
	}
	n := len(text)
	for i := 0; i < n; {
		c := text[i]
		switch {
		case c == ';':
			end(i)
			i++
		case c == '-' && i+1 < n && text[i+1] == '-':
			if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = n
			}
		case c == '/' && i+1 < n && text[i+1] == '*':
			i = skipBlockComment(text, i)
		case c == '\'':
			code()
			i = skipQuoted(text, i, '\'', escapeString(text, i))
		case c == '"':
			code()
			i = skipQuoted(text, i, '"', false)
		case c == '$':
			code()
			if tag, ok := dollarTag(text, i); ok {
				if j := strings.Index(text[i+len(tag):], tag); j >= 0 {
					i += len(tag) + j + len(tag)
				} else {
					i = n
				}
				continue
			}
			j := i + 1
			for j < n && isIdent(text[j]) {
				j++
			}
			if name := text[i+1 : j]; param != nil && name != "" && !(i > 0 && isIdent(text[i-1])) && !isDigit(name[0]) {
				param(name)
			}
			i = j
		default:
			// Blanks as strings.TrimSpace sees them (Unicode spaces included) are not code.
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsSpace(r) {
				code()
			}
			i += size
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// escapeString reports whether the quote at i opens an E'...' string, where a backslash escapes.
func escapeString(text string, i int) bool {
	if i == 0 || (text[i-1] != 'e' && text[i-1] != 'E') {
		return false
	}
	return i == 1 || !isIdent(text[i-2])
}

// skipQuoted returns the index after the string or quoted identifier opened at i; a doubled quote
// stands for itself, and with backslash set a backslash escapes the next byte.
func skipQuoted(text string, i int, q byte, backslash bool) int {
	for j := i + 1; j < len(text); j++ {
		switch {
		case backslash && text[j] == '\\':
			j++
		case text[j] == q:
			if j+1 < len(text) && text[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(text)
}

// skipBlockComment returns the index after the (possibly nested) comment opened at i.
func skipBlockComment(text string, i int) int {
	depth := 0
	for j := i; j+1 < len(text); j++ {
		switch {
		case text[j] == '/' && text[j+1] == '*':
			depth++
			j++
		case text[j] == '*' && text[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(text)
}

// dollarTag returns the opening tag ($$ or $name$) of a dollar-quoted string at i; a parameter
// such as $1 or $name is not one.
func dollarTag(text string, i int) (string, bool) {
	if i > 0 && isIdent(text[i-1]) {
		return "", false // part of an identifier such as a$b
	}
	j := i + 1
	for j < len(text) && isIdent(text[j]) {
		if j == i+1 && text[j] >= '0' && text[j] <= '9' {
			return "", false // $1: a positional parameter
		}
		j++
	}
	if j < len(text) && text[j] == '$' {
		return text[i : j+1], true
	}
	return "", false
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
