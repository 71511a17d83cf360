/*-------------------------------------------------------------------------
 *
 * filter_json.c
 *	  The JSON dialects of filters (Tines filter arrays, operator maps and
 *	  PostgREST pairs objects) over a small JSON tree, and a strict JSON
 *	  parser that builds such trees from text.
 *
 * The dialect parsers only read FJson trees: the backend builds them from
 * jsonb, the fuzzers and unit tests from text with fjson_parse.  They rely
 * on the FJson contract of filter.h (strings and numbers NUL-terminated,
 * object keys unique) and on nothing else.
 *
 * Errors say where they are: the 1-based number of the Tines filter, or the
 * key of the operator-map condition or of the pair, and the detail shows the
 * offending element compactly.  Unknown operators list the accepted ones.
 * Wrong values and operators are FILTER_ERR_VALUE; FILTER_ERR_SYNTAX is only
 * for JSON text that does not parse.
 *
 * Free of backend dependencies (see filter.h).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter_json.c
 *
 *-------------------------------------------------------------------------
 */
#include "filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Longest rendering of a JSON element in a detail, in characters. */
#define RENDER_CHARS 80

/* The accepted shapes of a JSON filter, for hints. */
#define SHAPES_HINT \
	"A filter is a Tines array such as [{\"field_id\": \"5\", \"operator\": \"EQUAL\", \"value\": \"ALERT\"}], " \
	"an operator map such as {\"cost\": {\"operator\": \"gt\", \"value\": 10}}, " \
	"a pairs object such as {\"status\": \"eq.done\"}, " \
	"or a text filter in a JSON string such as \"EXISTS elems.a\"."

/* ---------------------------------------------------------------------
 * UTF-8 and message helpers
 * ---------------------------------------------------------------------
 */

/* Length of the UTF-8 sequence that a lead byte announces (1 for others). */
static int
utf8_seq_len(unsigned char c)
{
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 1;
}

/* Byte length of the first max_chars characters of s. */
static size_t
utf8_prefix(const char *s, size_t len, int max_chars)
{
	size_t		i = 0;
	int			n = 0;

	while (i < len && n < max_chars)
	{
		size_t		step = (size_t) utf8_seq_len((unsigned char) s[i]);

		i += step < len - i ? step : len - i;
		n++;
	}
	return i;
}

/*
 * Offset of the first byte of s that is not part of well-formed UTF-8, or
 * a NUL byte; len when there is none.  *badlen is the length of the bad
 * sequence, for messages.
 */
static size_t
utf8_bad_offset(const char *s, size_t len, size_t *badlen)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = p[i];
		size_t		n,
					k;
		uint32_t	cp;

		if (c != 0 && c < 0x80)
		{
			i++;
			continue;
		}
		n = (size_t) utf8_seq_len(c);
		*badlen = 1;
		if (c == 0 || n == 1)
			return i;
		cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
		for (k = 1; k < n; k++)
		{
			if (i + k >= len || (p[i + k] & 0xC0) != 0x80)
			{
				*badlen = k;
				return i;
			}
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
			(n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
			(cp >= 0xD800 && cp <= 0xDFFF))
		{
			*badlen = n;
			return i;
		}
		i += n;
	}
	return len;
}

/* A copy of s for a message: at most max_chars characters, then "...". */
static const char *
clip(FilterAlloc *a, const char *s, size_t len, int max_chars)
{
	size_t		n = utf8_prefix(s, len, max_chars);
	FilterBuf	buf;

	filter_buf_init(&buf, a);
	filter_buf_append(&buf, s, n);
	if (n < len)
		filter_buf_appends(&buf, "...");
	return buf.data;
}

/* Copy src into dst[cap], cutting only between UTF-8 sequences. */
static void
copy_text(char *dst, size_t cap, const char *src)
{
	size_t		n = strlen(src);

	if (n >= cap)
	{
		n = cap - 1;
		while (n > 0 && ((unsigned char) src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Drop an incomplete UTF-8 sequence at the end of s (a cut message). */
static void
trim_partial_utf8(char *s)
{
	size_t		n = strlen(s),
				i = n;

	while (i > 0 && n - i < 4 && ((unsigned char) s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && (unsigned char) s[i - 1] >= 0x80 &&
		(size_t) utf8_seq_len((unsigned char) s[i - 1]) != n - (i - 1))
		s[i - 1] = '\0';
}

/* Fill err; every part is copied whole or cut between characters. */
static bool
set_error(FilterError *err, FilterErrorKind kind, int position,
		  const char *message, const char *detail, const char *hint)
{
	err->kind = kind;
	err->position = position;
	copy_text(err->message, sizeof(err->message), message);
	copy_text(err->detail, sizeof(err->detail), detail ? detail : "");
	copy_text(err->hint, sizeof(err->hint), hint ? hint : "");
	return false;
}

/*
 * Add a sentence that says where to the detail of an error that a callee
 * (key parser, resolver, pairs parser) reported.
 */
static void
annotate(FilterError *err, const char *sentence)
{
	size_t		have,
				add = strlen(sentence);

	trim_partial_utf8(err->message);
	trim_partial_utf8(err->detail);
	trim_partial_utf8(err->hint);
	have = strlen(err->detail);
	if (have == 0)
		copy_text(err->detail, sizeof(err->detail), sentence);
	else if (have + 1 + add < sizeof(err->detail))
	{
		err->detail[have] = ' ';
		memcpy(err->detail + have + 1, sentence, add + 1);
	}
}

/* ---------------------------------------------------------------------
 * Compact rendering of FJson for details
 * ---------------------------------------------------------------------
 */

/*
 * Append j as compact JSON, stopping once buf holds more than limit bytes.
 * Every level appends before it recurses, so the depth is bounded by limit.
 */
static void
render_into(FilterBuf *buf, const FJson *j, size_t limit)
{
	int			i;

	if (buf->len > limit)
		return;
	switch (j->type)
	{
		case FJ_NULL:
			filter_buf_appends(buf, "null");
			break;
		case FJ_BOOL:
			filter_buf_appends(buf, j->boolean ? "true" : "false");
			break;
		case FJ_NUMBER:
			filter_buf_append(buf, j->str, utf8_prefix(j->str, (size_t) j->len, (int) limit));
			break;
		case FJ_STRING:
			filter_buf_append_json_string(buf, j->str,
										  utf8_prefix(j->str, (size_t) j->len, (int) limit));
			break;
		case FJ_ARRAY:
			filter_buf_appendc(buf, '[');
			for (i = 0; i < j->n && buf->len <= limit; i++)
			{
				if (i > 0)
					filter_buf_appends(buf, ", ");
				render_into(buf, j->items[i], limit);
			}
			filter_buf_appendc(buf, ']');
			break;
		case FJ_OBJECT:
			filter_buf_appendc(buf, '{');
			for (i = 0; i < j->n && buf->len <= limit; i++)
			{
				if (i > 0)
					filter_buf_appends(buf, ", ");
				filter_buf_append_json_string(buf, j->keys[i],
											  utf8_prefix(j->keys[i], (size_t) j->keylens[i], (int) limit));
				filter_buf_appends(buf, ": ");
				render_into(buf, j->items[i], limit);
			}
			filter_buf_appendc(buf, '}');
			break;
	}
}

/* j as compact JSON for a detail, clipped to RENDER_CHARS characters. */
static const char *
render(FilterAlloc *a, const FJson *j)
{
	FilterBuf	buf;

	filter_buf_init(&buf, a);
	render_into(&buf, j, RENDER_CHARS * 4 + 8);
	return clip(a, buf.data, buf.len, RENDER_CHARS);
}

/* ---------------------------------------------------------------------
 * The JSON parser
 * ---------------------------------------------------------------------
 */

/* State of one fjson_parse. */
typedef struct JsonParser
{
	FilterAlloc *a;
	const char *s;
	size_t		len;
	size_t		pos;
	FilterError *err;
} JsonParser;

static FJson *parse_value(JsonParser *p, int depth);

/* Can c continue a bare word (a literal or a number) in JSON text? */
static bool
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' || c == '-';
}

/* Length of the token at s[at] for "at or near": a word, a string, a character. */
static size_t
token_len(const char *s, size_t len, size_t at)
{
	size_t		i = at;

	if (s[at] == '"')
	{
		i++;
		while (i < len && s[i] != '"')
		{
			if (s[i] == '\\' && i + 1 < len)
				i++;
			i++;
		}
		return (i < len ? i + 1 : len) - at;
	}
	if (is_word_char(s[at]))
	{
		while (i < len && is_word_char(s[i]))
			i++;
		return i - at;
	}
	i += (size_t) utf8_seq_len((unsigned char) s[at]);
	return (i < len ? i : len) - at;
}

/* A token for a message: clipped, control characters escaped. */
static const char *
display_token(FilterAlloc *a, const char *s, size_t len)
{
	const char *clipped = clip(a, s, len, FILTER_CLIP_CHARS);
	FilterBuf	buf;
	size_t		i;

	filter_buf_init(&buf, a);
	for (i = 0; clipped[i] != '\0'; i++)
	{
		unsigned char c = (unsigned char) clipped[i];

		if (c == '\n')
			filter_buf_appends(&buf, "\\n");
		else if (c == '\t')
			filter_buf_appends(&buf, "\\t");
		else if (c == '\r')
			filter_buf_appends(&buf, "\\r");
		else if (c < 0x20 || c == 0x7F)
			filter_buf_printf(&buf, "\\u%04x", c);
		else
			filter_buf_appendc(&buf, (char) c);
	}
	return buf.data;
}

/*
 * Report a syntax error at byte offset at: "at or near" the token there
 * (toklen bytes, or the token's natural length when 0), or "at end".
 */
static FJson *
json_syntax_error(JsonParser *p, size_t at, size_t toklen, const char *what,
				  const char *hint)
{
	FilterBuf	message,
				detail;
	int			position = filter_utf8_position(p->s, at);

	filter_buf_init(&message, p->a);
	filter_buf_init(&detail, p->a);
	if (at >= p->len)
		filter_buf_appends(&message, "syntax error at end of JSON filter");
	else
	{
		if (toklen == 0)
			toklen = token_len(p->s, p->len, at);
		if (toklen > p->len - at)
			toklen = p->len - at;
		/* whole characters only: the input is valid UTF-8 */
		while (at + toklen < p->len && ((unsigned char) p->s[at + toklen] & 0xC0) == 0x80)
			toklen++;
		filter_buf_printf(&message, "syntax error at or near \"%s\" in JSON filter",
						  display_token(p->a, p->s + at, toklen));
	}
	filter_buf_printf(&detail, "At character %d of the JSON filter: %s.", position, what);
	set_error(p->err, FILTER_ERR_SYNTAX, position, message.data, detail.data, hint);
	return NULL;
}

/* Skip JSON whitespace: space, tab, line feed, carriage return. */
static void
skip_ws(JsonParser *p)
{
	while (p->pos < p->len &&
		   (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
			p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

/* A new FJson node. */
static FJson *
fjson_new(FilterAlloc *a, FJsonType type)
{
	FJson	   *j = filter_alloc(a, sizeof(FJson));

	j->type = type;
	j->str = "";
	return j;
}

/* Room for one more element in an array of elem-byte items that holds n. */
static void *
grow(FilterAlloc *a, void *items, size_t elem, int n, int *cap)
{
	void	   *bigger;

	if (n < *cap)
		return items;
	*cap = *cap > 0 ? *cap * 2 : 4;
	bigger = filter_alloc(a, elem * (size_t) *cap);
	if (n > 0)
		memcpy(bigger, items, elem * (size_t) n);
	return bigger;
}

/* The value of four hexadecimal digits at s[at], or -1. */
static long
hex4(const char *s, size_t len, size_t at)
{
	long		v = 0;
	size_t		k;

	if (at + 4 > len)
		return -1;
	for (k = at; k < at + 4; k++)
	{
		char		c = s[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Append code point cp as UTF-8. */
static void
append_utf8(FilterBuf *buf, uint32_t cp)
{
	char		b[4];

	if (cp < 0x80)
		filter_buf_appendc(buf, (char) cp);
	else if (cp < 0x800)
	{
		b[0] = (char) (0xC0 | (cp >> 6));
		b[1] = (char) (0x80 | (cp & 0x3F));
		filter_buf_append(buf, b, 2);
	}
	else if (cp < 0x10000)
	{
		b[0] = (char) (0xE0 | (cp >> 12));
		b[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char) (0x80 | (cp & 0x3F));
		filter_buf_append(buf, b, 3);
	}
	else
	{
		b[0] = (char) (0xF0 | (cp >> 18));
		b[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char) (0x80 | (cp & 0x3F));
		filter_buf_append(buf, b, 4);
	}
}

/*
 * Parse the string at p->pos (an opening quote) into out, unescaped.  The
 * input is known to be valid UTF-8, so other bytes are copied as they are.
 */
static bool
parse_string(JsonParser *p, FilterBuf *out)
{
	const char *s = p->s;
	size_t		len = p->len,
				start = p->pos,
				i = p->pos + 1;

	for (;;)
	{
		size_t		run = i;
		unsigned char c;

		while (run < len && s[run] != '"' && s[run] != '\\' &&
			   (unsigned char) s[run] >= 0x20)
			run++;
		filter_buf_append(out, s + i, run - i);
		i = run;
		if (i >= len)
		{
			FilterBuf	what;

			filter_buf_init(&what, p->a);
			filter_buf_printf(&what, "the string that starts at character %d is not terminated",
							  filter_utf8_position(s, start));
			json_syntax_error(p, len, 0, what.data,
							  "Strings end with a double quote; write \\\" for a double quote inside a string.");
			return false;
		}
		c = (unsigned char) s[i];
		if (c == '"')
			break;
		if (c < 0x20)
		{
			json_syntax_error(p, i, 1, "control characters in strings must be escaped",
							  "Write \\n for a line feed, \\t for a tab and \\u00XX for other control characters.");
			return false;
		}
		/* a backslash escape */
		if (i + 1 >= len)
		{
			json_syntax_error(p, i, 1, "expected an escape after the backslash",
							  "The escapes are \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\uXXXX.");
			return false;
		}
		switch (s[i + 1])
		{
			case '"':
			case '\\':
			case '/':
				filter_buf_appendc(out, s[i + 1]);
				i += 2;
				break;
			case 'b':
				filter_buf_appendc(out, '\b');
				i += 2;
				break;
			case 'f':
				filter_buf_appendc(out, '\f');
				i += 2;
				break;
			case 'n':
				filter_buf_appendc(out, '\n');
				i += 2;
				break;
			case 'r':
				filter_buf_appendc(out, '\r');
				i += 2;
				break;
			case 't':
				filter_buf_appendc(out, '\t');
				i += 2;
				break;
			case 'u':
				{
					long		cp = hex4(s, len, i + 2);

					if (cp < 0)
					{
						json_syntax_error(p, i, 6 < len - i ? 6 : len - i,
										  "\\u must be followed by four hexadecimal digits", NULL);
						return false;
					}
					if (cp == 0)
					{
						json_syntax_error(p, i, 6, "\\u0000 is not allowed in strings",
										  "Filter strings cannot contain NUL characters.");
						return false;
					}
					if (cp >= 0xDC00 && cp <= 0xDFFF)
					{
						json_syntax_error(p, i, 6, "a low surrogate must follow a high surrogate",
										  "Characters beyond U+FFFF are written as a pair of escapes such as \\ud83d\\ude00.");
						return false;
					}
					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						long		lo = -1;

						if (i + 7 < len && s[i + 6] == '\\' && s[i + 7] == 'u')
							lo = hex4(s, len, i + 8);
						if (lo < 0xDC00 || lo > 0xDFFF)
						{
							json_syntax_error(p, i, 6, "a high surrogate must be followed by a low surrogate",
											  "Characters beyond U+FFFF are written as a pair of escapes such as \\ud83d\\ude00.");
							return false;
						}
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
						i += 6;
					}
					append_utf8(out, (uint32_t) cp);
					i += 6;
					break;
				}
			default:
				json_syntax_error(p, i, (size_t) 1 + (size_t) utf8_seq_len((unsigned char) s[i + 1]),
								  "invalid escape in string",
								  "The escapes are \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\uXXXX.");
				return false;
		}
	}
	p->pos = i + 1;
	return true;
}

/* Parse a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static FJson *
parse_number(JsonParser *p)
{
	const char *s = p->s;
	size_t		len = p->len,
				start = p->pos,
				i = p->pos,
				word = p->pos;
	bool		ok = true;
	FilterValue canonical;
	FJson	   *j;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && s[i] >= '1' && s[i] <= '9')
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		ok = false;
	if (ok && i < len && s[i] == '.')
	{
		size_t		digits = ++i;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		ok = i > digits;
	}
	if (ok && i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		size_t		digits;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		digits = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		ok = i > digits;
	}
	/* The whole word must be the number: 01, 1.e5, 1x and -x are errors. */
	while (word < len && is_word_char(s[word]))
		word++;
	if (!ok || word != i)
		return json_syntax_error(p, start, word - start, "invalid number",
								 "Numbers are written like 12, -0.5 or 1.5e3, without leading zeros.");
	if (!filter_number_canonical(p->a, s + start, i - start, &canonical))
	{
		FilterBuf	message,
					detail;
		int			position = filter_utf8_position(s, start);

		filter_buf_init(&message, p->a);
		filter_buf_init(&detail, p->a);
		filter_buf_printf(&message, "number \"%s\" is out of range in JSON filter",
						  clip(p->a, s + start, i - start, FILTER_CLIP_CHARS));
		filter_buf_printf(&detail, "At character %d of the JSON filter: exponents beyond 1000 are not supported.",
						  position);
		set_error(p->err, FILTER_ERR_VALUE, position, message.data, detail.data, NULL);
		return NULL;
	}
	j = fjson_new(p->a, FJ_NUMBER);
	j->str = filter_strndup(p->a, s + start, i - start);
	j->len = (int) (i - start);
	p->pos = i;
	return j;
}

/* A pair of an object being parsed, for duplicate detection. */
typedef struct KeyRef
{
	const char *key;
	int			len;
	int			index;
} KeyRef;

/* Order KeyRefs by key bytes, then by position. */
static int
keyref_cmp(const void *x, const void *y)
{
	const KeyRef *a = x;
	const KeyRef *b = y;
	int			c = memcmp(a->key, b->key, (size_t) (a->len < b->len ? a->len : b->len));

	if (c != 0)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Keep only the last of pairs with the same key (as jsonb does). */
static void
drop_duplicate_keys(FilterAlloc *a, FJson *obj)
{
	KeyRef	   *refs;
	bool	   *drop;
	int			i,
				kept = 0;
	bool		any = false;

	if (obj->n < 2)
		return;
	refs = filter_alloc(a, sizeof(KeyRef) * (size_t) obj->n);
	drop = filter_alloc(a, sizeof(bool) * (size_t) obj->n);
	for (i = 0; i < obj->n; i++)
	{
		refs[i].key = obj->keys[i];
		refs[i].len = obj->keylens[i];
		refs[i].index = i;
	}
	qsort(refs, (size_t) obj->n, sizeof(KeyRef), keyref_cmp);
	for (i = 0; i + 1 < obj->n; i++)
	{
		if (refs[i].len == refs[i + 1].len &&
			memcmp(refs[i].key, refs[i + 1].key, (size_t) refs[i].len) == 0)
		{
			drop[refs[i].index] = true;
			any = true;
		}
	}
	if (!any)
		return;
	for (i = 0; i < obj->n; i++)
	{
		if (drop[i])
			continue;
		obj->keys[kept] = obj->keys[i];
		obj->keylens[kept] = obj->keylens[i];
		obj->items[kept] = obj->items[i];
		kept++;
	}
	obj->n = kept;
}

/* Parse the object at p->pos (an opening brace). */
static FJson *
parse_object(JsonParser *p, int depth)
{
	FJson	   *obj = fjson_new(p->a, FJ_OBJECT);
	int			cap = 0,
				lcap = 0,
				icap = 0;

	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}')
	{
		p->pos++;
		return obj;
	}
	for (;;)
	{
		FilterBuf	key;
		FJson	   *value;

		skip_ws(p);
		if (p->pos >= p->len || p->s[p->pos] != '"')
			return json_syntax_error(p, p->pos, 0, "expected a string as the key of an object member",
									 "Object members are written \"key\": value and separated by commas.");
		filter_buf_init(&key, p->a);
		if (!parse_string(p, &key))
			return NULL;
		skip_ws(p);
		if (p->pos >= p->len || p->s[p->pos] != ':')
			return json_syntax_error(p, p->pos, 0, "expected \":\" after the key of an object member",
									 "Object members are written \"key\": value and separated by commas.");
		p->pos++;
		value = parse_value(p, depth + 1);
		if (value == NULL)
			return NULL;
		obj->keys = grow(p->a, (void *) obj->keys, sizeof(char *), obj->n, &cap);
		obj->keylens = grow(p->a, obj->keylens, sizeof(int), obj->n, &lcap);
		obj->items = grow(p->a, obj->items, sizeof(FJson *), obj->n, &icap);
		obj->keys[obj->n] = key.data;
		obj->keylens[obj->n] = (int) key.len;
		obj->items[obj->n] = value;
		obj->n++;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',')
		{
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == '}')
		{
			p->pos++;
			break;
		}
		return json_syntax_error(p, p->pos, 0, "expected \",\" or \"}\" after an object member", NULL);
	}
	drop_duplicate_keys(p->a, obj);
	return obj;
}

/* Parse the array at p->pos (an opening bracket). */
static FJson *
parse_array(JsonParser *p, int depth)
{
	FJson	   *arr = fjson_new(p->a, FJ_ARRAY);
	int			cap = 0;

	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == ']')
	{
		p->pos++;
		return arr;
	}
	for (;;)
	{
		FJson	   *value = parse_value(p, depth + 1);

		if (value == NULL)
			return NULL;
		arr->items = grow(p->a, arr->items, sizeof(FJson *), arr->n, &cap);
		arr->items[arr->n++] = value;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',')
		{
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == ']')
		{
			p->pos++;
			return arr;
		}
		return json_syntax_error(p, p->pos, 0, "expected \",\" or \"]\" after an array element", NULL);
	}
}

/* Parse one value; depth counts the containers around it. */
static FJson *
parse_value(JsonParser *p, int depth)
{
	char		c;

	skip_ws(p);
	if (p->pos >= p->len)
		return json_syntax_error(p, p->pos, 0, "expected a JSON value",
								 "A JSON value is an object, an array, a string, a number, true, false or null.");
	c = p->s[p->pos];
	if ((c == '{' || c == '[') && depth >= FILTER_MAX_DEPTH)
	{
		set_error(p->err, FILTER_ERR_LIMIT, filter_utf8_position(p->s, p->pos),
				  "filter is nested too deeply", "The maximum nesting depth is 200.", NULL);
		return NULL;
	}
	if (c == '{')
		return parse_object(p, depth);
	if (c == '[')
		return parse_array(p, depth);
	if (c == '"')
	{
		FilterBuf	buf;
		FJson	   *j;

		filter_buf_init(&buf, p->a);
		if (!parse_string(p, &buf))
			return NULL;
		j = fjson_new(p->a, FJ_STRING);
		j->str = buf.data;
		j->len = (int) buf.len;
		return j;
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(p);
	if (is_word_char(c))
	{
		size_t		n = token_len(p->s, p->len, p->pos);
		FJson	   *j = NULL;

		if (n == 4 && memcmp(p->s + p->pos, "true", 4) == 0)
		{
			j = fjson_new(p->a, FJ_BOOL);
			j->boolean = true;
		}
		else if (n == 5 && memcmp(p->s + p->pos, "false", 5) == 0)
			j = fjson_new(p->a, FJ_BOOL);
		else if (n == 4 && memcmp(p->s + p->pos, "null", 4) == 0)
			j = fjson_new(p->a, FJ_NULL);
		if (j != NULL)
		{
			p->pos += n;
			return j;
		}
	}
	return json_syntax_error(p, p->pos, 0, "expected a JSON value",
							 "A JSON value is an object, an array, a string, a number, true, false or null.");
}

/*
 * Parse JSON text (RFC 8259, strictly: no comments, no trailing commas, no
 * single quotes) into an FJson tree.  The text must be valid UTF-8 without
 * NUL bytes, strings may not contain \u0000, containers nest at most
 * FILTER_MAX_DEPTH deep, and numbers must have exponents within +-1000.
 * Of pairs with the same key, only the last is kept.
 */
FJson *
fjson_parse(FilterAlloc *a, const char *s, size_t len, FilterError *err)
{
	JsonParser	p;
	FJson	   *value;
	size_t		badlen = 0,
				bad = utf8_bad_offset(s, len, &badlen);

	p.a = a;
	p.s = s;
	p.len = len;
	p.pos = 0;
	p.err = err;
	if (bad < len)
	{
		FilterBuf	detail;
		int			position = filter_utf8_position(s, bad);
		size_t		k;

		filter_buf_init(&detail, a);
		filter_buf_printf(&detail, "At character %d of the JSON filter: ", position);
		if (s[bad] == '\0')
			filter_buf_appends(&detail, "NUL bytes are not allowed.");
		else
		{
			for (k = 0; k < badlen; k++)
				filter_buf_printf(&detail, "%s0x%02x", k > 0 ? " " : "",
								  (unsigned) (unsigned char) s[bad + k]);
			filter_buf_appends(&detail, " is not valid UTF-8.");
		}
		set_error(err, FILTER_ERR_SYNTAX, position,
				  "invalid byte sequence in JSON filter", detail.data, NULL);
		return NULL;
	}
	value = parse_value(&p, 0);
	if (value == NULL)
		return NULL;
	skip_ws(&p);
	if (p.pos < len)
		return json_syntax_error(&p, p.pos, 0, "expected the end of the filter after the JSON value", NULL);
	return value;
}

/* The value of key in a JSON object, or NULL. */
const FJson *
fjson_get(const FJson *obj, const char *key)
{
	size_t		len = strlen(key);
	int			i;

	if (obj == NULL || obj->type != FJ_OBJECT)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if ((size_t) obj->keylens[i] == len && memcmp(obj->keys[i], key, len) == 0)
			return obj->items[i];
	return NULL;
}

/* ---------------------------------------------------------------------
 * Shared by the dialects: locations, values, field types
 * ---------------------------------------------------------------------
 */

/* Where an error of a JSON dialect is, for its message and detail. */
typedef struct Where
{
	FilterAlloc *a;
	FilterDialect dialect;
	int			index;			/* Tines: 1-based number of the filter */
	const char *key;			/* operator map, pairs: the key, clipped */
	const FJson *elem;			/* the filter, condition or value */
	const char *loc;			/* " in filter 2" or " for key \"cost\"" */
	const char *field;			/* the field as written, clipped */
	const char *field_loc;		/* loc unless the message names the field anyway */
	const char *opname;			/* the operator as messages show it */
	const char *hint_opname;	/* the operator as hints start with it */
} Where;

/* Set up w for Tines filter number index. */
static void
where_tines(Where *w, FilterAlloc *a, int index, const FJson *elem)
{
	FilterBuf	loc;

	memset(w, 0, sizeof(Where));
	w->a = a;
	w->dialect = FILTER_DIALECT_TINES;
	w->index = index;
	w->elem = elem;
	filter_buf_init(&loc, a);
	filter_buf_printf(&loc, " in filter %d", index);
	w->loc = loc.data;
	w->field_loc = w->loc;
	w->field = "";
	w->opname = "";
	w->hint_opname = "";
}

/* Set up w for the condition or pair of a key. */
static void
where_key(Where *w, FilterAlloc *a, FilterDialect dialect, const char *key,
		  int keylen, const FJson *elem)
{
	FilterBuf	loc;

	memset(w, 0, sizeof(Where));
	w->a = a;
	w->dialect = dialect;
	w->elem = elem;
	w->key = clip(a, key, (size_t) keylen, FILTER_CLIP_CHARS);
	filter_buf_init(&loc, a);
	filter_buf_printf(&loc, " for key \"%s\"", w->key);
	w->loc = loc.data;
	w->field = w->key;
	w->field_loc = "";
	w->opname = "";
	w->hint_opname = "";
}

/* The detail sentence that shows the element of w. */
static const char *
where_detail(const Where *w)
{
	FilterBuf	buf;

	filter_buf_init(&buf, w->a);
	if (w->dialect == FILTER_DIALECT_TINES)
		filter_buf_printf(&buf, "Filter %d is %s.", w->index, render(w->a, w->elem));
	else if (w->dialect == FILTER_DIALECT_OPMAP)
		filter_buf_printf(&buf, "The condition for key \"%s\" is %s.", w->key, render(w->a, w->elem));
	else
		filter_buf_printf(&buf, "The value of key \"%s\" is %s.", w->key, render(w->a, w->elem));
	return buf.data;
}

/* Report a value error of a JSON dialect; the detail shows where. */
static bool where_error(const Where *w, FilterError *err, const char *hint,
						const char *fmt,...) __attribute__((format(printf, 4, 5)));

/* Fill err: the message from fmt, the detail from w, and the hint. */
static bool
where_error(const Where *w, FilterError *err, const char *hint, const char *fmt,...)
{
	char		message[1024];
	va_list		args;

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	trim_partial_utf8(message);
	return set_error(err, FILTER_ERR_VALUE, 0, message, where_detail(w), hint);
}

/* A hint about the operator: "EQUAL <rest>", "Operator "gt" <rest>". */
static const char *
op_hint(const Where *w, const char *rest)
{
	FilterBuf	buf;

	filter_buf_init(&buf, w->a);
	filter_buf_printf(&buf, "%s %s", w->hint_opname, rest);
	return buf.data;
}

/* Is j a string, a number or a boolean? */
static bool
is_plain_scalar(const FJson *j)
{
	return j->type == FJ_STRING || j->type == FJ_NUMBER || j->type == FJ_BOOL;
}

/* The name of a field type in messages. */
static const char *
field_type_name(FilterFieldType type)
{
	switch (type)
	{
		case FILTER_FIELD_UNKNOWN:
			return "untyped";
		case FILTER_FIELD_TEXT:
			return "text";
		case FILTER_FIELD_NUMBER:
			return "number";
		case FILTER_FIELD_TIMESTAMP:
			return "timestamp";
		case FILTER_FIELD_BOOLEAN:
			return "boolean";
		case FILTER_FIELD_TEXT_ENUM:
			return "text enum";
		case FILTER_FIELD_ARTIFACT:
			return "artifact";
		case FILTER_FIELD_OBJECT:
			return "object";
		case FILTER_FIELD_ARRAY:
			return "array";
	}
	return "untyped";
}

/* Report an operator that a field's type does not allow. */
static bool
type_error(const Where *w, FilterError *err, FilterFieldType type, const char *hint)
{
	return where_error(w, err, hint, "%s cannot be used on %s field \"%s\"%s",
					   w->opname, field_type_name(type), w->field, w->field_loc);
}

/* Report a value that a field's type does not accept. */
static bool
coerce_error(const Where *w, FilterError *err, const FJson *j, FilterFieldType type,
			 const char *hint)
{
	const char *shown = render(w->a, j);

	return where_error(w, err, hint, "invalid value %s for %s field \"%s\"%s",
					   clip(w->a, shown, strlen(shown), FILTER_CLIP_CHARS),
					   field_type_name(type), w->field, w->field_loc);
}

/* A number literal from JSON number text; false with err set when out of range. */
static bool
number_value(const Where *w, const char *s, size_t len, FilterValue *out,
			 FilterError *err)
{
	if (filter_number_canonical(w->a, s, len, out))
		return true;
	return where_error(w, err, "Exponents are limited to 1000.",
					   "number \"%s\" is out of range%s", clip(w->a, s, len, FILTER_CLIP_CHARS), w->loc);
}

/*
 * The literal for JSON scalar j, coerced to the field type: number fields
 * take numbers and strings that read as numbers, boolean fields booleans
 * and "true"/"false", timestamp fields ISO-8601 strings (kept as strings).
 * loose makes other strings loose (Tines).  The caller has checked that j
 * is a scalar the operator accepts.
 */
static bool
make_value(const Where *w, const FJson *j, FilterFieldType type, bool loose,
		   FilterValue *out, FilterError *err)
{
	int64_t		usec;

	memset(out, 0, sizeof(FilterValue));
	if (j->type == FJ_NULL)
	{
		out->type = FV_NULL;
		return true;
	}
	if (type == FILTER_FIELD_NUMBER)
	{
		if (j->type == FJ_NUMBER || j->type == FJ_STRING)
		{
			if (filter_number_canonical(w->a, j->str, (size_t) j->len, out))
				return true;
			if (j->type == FJ_NUMBER)
				return number_value(w, j->str, (size_t) j->len, out, err);
		}
		return coerce_error(w, err, j, type, "Number fields take numbers, such as 10 or \"10\".");
	}
	if (type == FILTER_FIELD_BOOLEAN)
	{
		if (j->type == FJ_BOOL ||
			(j->type == FJ_STRING && (strcmp(j->str, "true") == 0 || strcmp(j->str, "false") == 0)))
		{
			out->type = FV_BOOL;
			out->boolean = j->type == FJ_BOOL ? j->boolean : strcmp(j->str, "true") == 0;
			return true;
		}
		return coerce_error(w, err, j, type, "Boolean fields take true or false.");
	}
	if (type == FILTER_FIELD_TIMESTAMP)
	{
		if (j->type == FJ_STRING && filter_parse_timestamp(j->str, (size_t) j->len, &usec))
		{
			filter_value_string(w->a, j->str, (size_t) j->len, loose, out);
			return true;
		}
		return coerce_error(w, err, j, type,
							"Timestamp fields take ISO 8601 timestamps, such as \"2023-07-03T00:00:00Z\".");
	}
	switch (j->type)
	{
		case FJ_BOOL:
			out->type = FV_BOOL;
			out->boolean = j->boolean;
			return true;
		case FJ_NUMBER:
			return number_value(w, j->str, (size_t) j->len, out, err);
		case FJ_STRING:
			filter_value_string(w->a, j->str, (size_t) j->len, loose, out);
			return true;
		default:
			break;
	}
	/* not reached: callers pass scalars only */
	return where_error(w, err, NULL, "invalid value%s", w->loc);
}

/* Can a field of this type be compared with a list (IS_ANY_OF, in)? */
static bool
type_allows_list(FilterFieldType type)
{
	return type == FILTER_FIELD_UNKNOWN || type == FILTER_FIELD_TEXT ||
		type == FILTER_FIELD_TEXT_ENUM || type == FILTER_FIELD_NUMBER;
}

/* An atom on key with the given values. */
static FilterNode *
atom(FilterAlloc *a, FilterOp op, const FilterKey *key, FilterValue *values, int nvalues)
{
	FilterNode *n = filter_node(a, op);

	n->key = *key;
	n->values = values;
	n->nvalues = nvalues;
	return n;
}

/* The AND of nodes[0..n), normalized. */
static FilterNode *
and_of(FilterAlloc *a, FilterNode **nodes, int n)
{
	return filter_normalize(a, filter_logic(a, FOP_AND, nodes, n));
}

/* ---------------------------------------------------------------------
 * 1. Tines: [{"field_id": "5", "operator": "EQUAL", "value": "ALERT"}, ...]
 * ---------------------------------------------------------------------
 */

/* What a Tines operator takes as its value. */
typedef enum TinesValue
{
	TV_COMPARE,					/* a string, number or boolean */
	TV_ORDER,					/* a string or number */
	TV_NONE,					/* nothing (absent or null) */
	TV_LIST						/* an array of strings, numbers or booleans */
} TinesValue;

/* A Tines operator. */
typedef struct TinesOp
{
	const char *name;
	FilterOp	op;
	bool		negate;
	TinesValue	value;
} TinesOp;

static const TinesOp tines_ops[] = {
	{"EQUAL", FOP_EQ, false, TV_COMPARE},
	{"NOT_EQUAL", FOP_NE, false, TV_COMPARE},
	{"GREATER_THAN", FOP_GT, false, TV_ORDER},
	{"GREATER_THAN_OR_EQUAL_TO", FOP_GE, false, TV_ORDER},
	{"LESS_THAN", FOP_LT, false, TV_ORDER},
	{"LESS_THAN_OR_EQUAL_TO", FOP_LE, false, TV_ORDER},
	{"IS_EMPTY", FOP_EMPTY, false, TV_NONE},
	{"IS_NOT_EMPTY", FOP_EMPTY, true, TV_NONE},
	{"IS_TRUE", FOP_IS_TRUE, false, TV_NONE},
	{"IS_FALSE", FOP_IS_FALSE, false, TV_NONE},
	{"IS_ANY_OF", FOP_IN, false, TV_LIST},
	{"IS_NONE_OF", FOP_IN, true, TV_LIST}
};

#define TINES_OPS_HINT \
	"The operators are EQUAL, NOT_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL_TO, " \
	"LESS_THAN, LESS_THAN_OR_EQUAL_TO, IS_EMPTY, IS_NOT_EMPTY, IS_TRUE, IS_FALSE, " \
	"IS_ANY_OF and IS_NONE_OF."

#define TINES_SHAPE_HINT \
	"Each filter is an object such as {\"field_id\": \"5\", \"operator\": \"EQUAL\", \"value\": \"ALERT\"}."

/* Do two strings of the given lengths match ignoring ASCII case? */
static bool
equal_ignoring_case(const char *a, size_t alen, const char *b)
{
	size_t		i;

	if (alen != strlen(b))
		return false;
	for (i = 0; i < alen; i++)
	{
		char		x = a[i],
					y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char) (x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char) (y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

/* Report every key of obj outside accepted[] (NULL-terminated): the first one. */
static bool
check_keys(const Where *w, const FJson *obj, const char *const *accepted,
		   const char *in, const char *hint, FilterError *err)
{
	int			i,
				k;

	for (i = 0; i < obj->n; i++)
	{
		bool		known = false;

		for (k = 0; accepted[k] != NULL; k++)
			if ((size_t) obj->keylens[i] == strlen(accepted[k]) &&
				memcmp(obj->keys[i], accepted[k], (size_t) obj->keylens[i]) == 0)
				known = true;
		if (!known)
			return where_error(w, err, hint, "unknown key \"%s\"%s%s",
							   clip(w->a, obj->keys[i], (size_t) obj->keylens[i], FILTER_CLIP_CHARS),
							   in, w->loc);
	}
	return true;
}

/* The hint of an invalid Tines value. */
static const char *
tines_value_hint(const Where *w, const TinesOp *op, const FJson *value)
{
	switch (op->value)
	{
		case TV_COMPARE:
			if (value != NULL && value->type == FJ_ARRAY)
				return op_hint(w, "takes a string, a number or a boolean; use IS_ANY_OF or IS_NONE_OF for a list of values.");
			if (value != NULL && value->type == FJ_NULL)
				return op_hint(w, "takes a string, a number or a boolean; use IS_EMPTY to find fields without a value.");
			return op_hint(w, "takes a string, a number or a boolean.");
		case TV_ORDER:
			return op_hint(w, "takes a string or a number.");
		case TV_NONE:
			return op_hint(w, "takes no value: leave \"value\" out or set it to null.");
		case TV_LIST:
			return op_hint(w, "takes an array of strings, numbers or booleans, such as [\"ALERT\", \"WARNING\"].");
	}
	return NULL;
}

/* Parse one Tines filter (element index of the array) into *out. */
static bool
tines_filter(FilterAlloc *a, const FJson *elem, int index,
			 const FilterResolver *resolver, FilterNode **out, FilterError *err)
{
	static const char *const accepted[] = {"field_id", "operator", "value", NULL};
	Where		w;
	const FJson *field_id,
			   *operator,
			   *value;
	const TinesOp *op = NULL;
	FilterKey	key;
	FilterFieldType type = FILTER_FIELD_UNKNOWN;
	FilterValue *values = NULL;
	int			nvalues = 0,
				i;
	FilterNode *node;

	where_tines(&w, a, index, elem);
	if (elem->type != FJ_OBJECT)
		return where_error(&w, err, TINES_SHAPE_HINT, "filter %d is not an object", index);
	if (!check_keys(&w, elem, accepted, "", "A filter has the keys field_id, operator and value.", err))
		return false;

	/* field_id: a string or an integer */
	field_id = fjson_get(elem, "field_id");
	if (field_id == NULL)
		return where_error(&w, err, "Each filter names its field with \"field_id\": a string or an integer.",
						   "missing field_id%s", w.loc);
	if (!(field_id->type == FJ_STRING ||
		  (field_id->type == FJ_NUMBER && strspn(field_id->str, "-0123456789") == (size_t) field_id->len)))
		return where_error(&w, err, "Each filter names its field with \"field_id\": a string or an integer.",
						   "field_id must be a string or an integer%s", w.loc);
	w.field = clip(a, field_id->str, (size_t) field_id->len, FILTER_CLIP_CHARS);

	/* operator: exact upper case */
	operator = fjson_get(elem, "operator");
	if (operator == NULL)
		return where_error(&w, err, TINES_OPS_HINT, "missing operator%s", w.loc);
	if (operator->type != FJ_STRING)
		return where_error(&w, err, TINES_OPS_HINT, "operator must be a string%s", w.loc);
	for (i = 0; i < (int) (sizeof(tines_ops) / sizeof(tines_ops[0])); i++)
		if ((size_t) operator->len == strlen(tines_ops[i].name) &&
			memcmp(operator->str, tines_ops[i].name, (size_t) operator->len) == 0)
			op = &tines_ops[i];
	if (op == NULL)
	{
		const char *hint = TINES_OPS_HINT;

		for (i = 0; i < (int) (sizeof(tines_ops) / sizeof(tines_ops[0])); i++)
			if (equal_ignoring_case(operator->str, (size_t) operator->len, tines_ops[i].name))
				hint = "Operator names are written in upper case. " TINES_OPS_HINT;
		return where_error(&w, err, hint, "invalid operator \"%s\"%s",
						   clip(a, operator->str, (size_t) operator->len, FILTER_CLIP_CHARS), w.loc);
	}
	w.opname = op->name;
	w.hint_opname = op->name;

	/* the field */
	if (resolver != NULL)
	{
		if (!resolver->resolve(resolver->ctx, field_id->str, field_id->len, &key, &type, err))
		{
			annotate(err, where_detail(&w));
			return false;
		}
	}
	else
	{
		if (field_id->len == 0)
			return where_error(&w, err, "A field_id names a flat key such as \"alert\" or \"5\".",
							   "empty field_id%s", w.loc);
		if (!filter_key_parse(a, field_id->str, (size_t) field_id->len, false, &key, err))
		{
			annotate(err, where_detail(&w));
			return false;
		}
	}

	/* operators the field type rules out */
	if (op->value == TV_LIST && !type_allows_list(type))
		return type_error(&w, err, type, "IS_ANY_OF and IS_NONE_OF are available for text, text enum and number fields.");
	if ((op->op == FOP_IS_TRUE || op->op == FOP_IS_FALSE) &&
		type != FILTER_FIELD_UNKNOWN && type != FILTER_FIELD_BOOLEAN)
		return type_error(&w, err, type, "IS_TRUE and IS_FALSE are available for boolean fields.");
	if (op->value == TV_ORDER && type == FILTER_FIELD_BOOLEAN)
		return type_error(&w, err, type, "Boolean fields take EQUAL, NOT_EQUAL, IS_TRUE, IS_FALSE, IS_EMPTY and IS_NOT_EMPTY.");

	/* the value */
	value = fjson_get(elem, "value");
	switch (op->value)
	{
		case TV_NONE:
			if (value != NULL && value->type != FJ_NULL)
				return where_error(&w, err, tines_value_hint(&w, op, value),
								   "unexpected value for %s%s", op->name, w.loc);
			break;
		case TV_COMPARE:
		case TV_ORDER:
			if (value == NULL)
				return where_error(&w, err, tines_value_hint(&w, op, value),
								   "missing value for %s%s", op->name, w.loc);
			if (!is_plain_scalar(value) || (op->value == TV_ORDER && value->type == FJ_BOOL))
				return where_error(&w, err, tines_value_hint(&w, op, value),
								   "invalid value for %s%s", op->name, w.loc);
			values = filter_alloc(a, sizeof(FilterValue));
			nvalues = 1;
			if (!make_value(&w, value, type, true, &values[0], err))
				return false;
			break;
		case TV_LIST:
			if (value == NULL)
				return where_error(&w, err, tines_value_hint(&w, op, value),
								   "missing value for %s%s", op->name, w.loc);
			if (value->type != FJ_ARRAY)
				return where_error(&w, err, tines_value_hint(&w, op, value),
								   "invalid value for %s%s", op->name, w.loc);
			values = filter_alloc(a, sizeof(FilterValue) * (size_t) (value->n > 0 ? value->n : 1));
			nvalues = value->n;
			for (i = 0; i < value->n; i++)
			{
				if (!is_plain_scalar(value->items[i]))
					return where_error(&w, err, tines_value_hint(&w, op, value),
									   "invalid element %d in the value for %s%s", i + 1, op->name, w.loc);
				if (!make_value(&w, value->items[i], type, true, &values[i], err))
					return false;
			}
			break;
	}

	node = atom(a, op->op, &key, values, nvalues);
	*out = op->negate ? filter_not(a, node) : node;
	return true;
}

/*
 * A Tines filter array: every element is a condition on one field, the
 * conditions are ANDed, and an empty array matches everything.
 */
FilterNode *
filter_parse_tines(FilterAlloc *a, const FJson *json, const FilterResolver *resolver,
				   FilterError *err)
{
	FilterNode **nodes;
	int			i;

	if (json->type != FJ_ARRAY)
	{
		FilterBuf	detail;

		filter_buf_init(&detail, a);
		filter_buf_printf(&detail, "The filter is %s.", render(a, json));
		set_error(err, FILTER_ERR_VALUE, 0, "Tines filters must be a JSON array",
				  detail.data, "Write [" "{\"field_id\": \"5\", \"operator\": \"EQUAL\", \"value\": \"ALERT\"}" "].");
		return NULL;
	}
	nodes = filter_alloc(a, sizeof(FilterNode *) * (size_t) (json->n > 0 ? json->n : 1));
	for (i = 0; i < json->n; i++)
		if (!tines_filter(a, json->items[i], i + 1, resolver, &nodes[i], err))
			return NULL;
	return and_of(a, nodes, json->n);
}

/* ---------------------------------------------------------------------
 * 2. Operator map: {"cost": {"operator": "gt", "value": [10.0]}, ...}
 * ---------------------------------------------------------------------
 */

/* What an operator-map operator takes as its value. */
typedef enum OpmapValue
{
	OV_ANY,						/* a string, number, boolean or null */
	OV_ORDER,					/* a string or number */
	OV_STRING,					/* a string */
	OV_LIST,					/* any number of OV_ANY */
	OV_BOOL						/* a boolean (isnull) */
} OpmapValue;

/* An operator-map operator. */
typedef struct OpmapOp
{
	const char *name;
	FilterOp	op;
	OpmapValue	value;
} OpmapOp;

static const OpmapOp opmap_ops[] = {
	{"", FOP_EQ, OV_ANY},
	{"iexact", FOP_IEXACT, OV_STRING},
	{"lt", FOP_LT, OV_ORDER},
	{"lte", FOP_LE, OV_ORDER},
	{"gt", FOP_GT, OV_ORDER},
	{"gte", FOP_GE, OV_ORDER},
	{"contains", FOP_CONTAINS, OV_STRING},
	{"icontains", FOP_ICONTAINS, OV_STRING},
	{"startswith", FOP_STARTSWITH, OV_STRING},
	{"endswith", FOP_ENDSWITH, OV_STRING},
	{"in", FOP_IN, OV_LIST},
	{"not", FOP_NE, OV_ANY},
	{"isnull", FOP_IS_NULL, OV_BOOL}
};

#define OPMAP_OPS_HINT \
	"The operators are \"\" (equal), iexact, lt, lte, gt, gte, contains, icontains, " \
	"startswith, endswith, in, not and isnull."

/* The hint of an invalid operator-map value. */
static const char *
opmap_value_hint(const Where *w, const OpmapOp *op)
{
	switch (op->value)
	{
		case OV_ANY:
			return op_hint(w, "takes a string, a number, a boolean or null.");
		case OV_ORDER:
			return op_hint(w, "takes a number or a string.");
		case OV_STRING:
			return op_hint(w, "takes a string.");
		case OV_LIST:
			return op_hint(w, "takes an array of strings, numbers, booleans or nulls, such as [\"a\", \"b\"].");
		case OV_BOOL:
			return op_hint(w, "takes true (the field is missing or null) or false (it is present and not null).");
	}
	return NULL;
}

/* Does value v suit what an operator-map operator takes? */
static bool
opmap_value_ok(const OpmapOp *op, const FJson *v)
{
	switch (op->value)
	{
		case OV_ANY:
		case OV_LIST:
			return is_plain_scalar(v) || v->type == FJ_NULL;
		case OV_ORDER:
			return v->type == FJ_STRING || v->type == FJ_NUMBER;
		case OV_STRING:
			return v->type == FJ_STRING;
		case OV_BOOL:
			return v->type == FJ_BOOL;
	}
	return false;
}

/*
 * Resolve an operator-map key.  The whole key is a field name; failing
 * that, "field__sub__key" names keys inside an object (or array) field.
 */
static bool
opmap_resolve(const Where *w, const FilterResolver *resolver, const char *name,
			  int len, FilterKey *key, FilterFieldType *type, FilterError *err)
{
	FilterError first,
				scratch;
	FilterKey	split,
				base;
	FilterFieldType base_type;
	FilterSeg  *segs;
	int			i;

	memset(&first, 0, sizeof(first));
	memset(&scratch, 0, sizeof(scratch));
	if (resolver->resolve(resolver->ctx, name, len, key, type, &first))
		return true;
	if (!filter_key_parse(w->a, name, (size_t) len, true, &split, &scratch) ||
		split.nsegs < 2 ||
		!resolver->resolve(resolver->ctx, split.segs[0].s, split.segs[0].len,
						   &base, &base_type, &scratch))
	{
		*err = first;
		annotate(err, where_detail(w));
		return false;
	}
	if (base_type != FILTER_FIELD_OBJECT && base_type != FILTER_FIELD_ARRAY &&
		base_type != FILTER_FIELD_UNKNOWN)
		return where_error(w, err, "Only object and array fields have nested keys, written field__key.",
						   "key \"%s\" looks inside %s field \"%s\"", w->key,
						   field_type_name(base_type),
						   clip(w->a, split.segs[0].s, (size_t) split.segs[0].len, FILTER_CLIP_CHARS));
	segs = filter_alloc(w->a, sizeof(FilterSeg) * (size_t) (base.nsegs + split.nsegs - 1));
	for (i = 0; i < base.nsegs; i++)
		segs[i] = base.segs[i];
	for (i = 1; i < split.nsegs; i++)
		segs[base.nsegs + i - 1] = split.segs[i];
	filter_key_from_segments(w->a, key, segs, base.nsegs + split.nsegs - 1);
	*type = FILTER_FIELD_UNKNOWN;
	return true;
}

/* Parse the condition of one operator-map key into *out. */
static bool
opmap_condition(FilterAlloc *a, const char *name, int namelen, const FJson *cond,
				const FilterResolver *resolver, FilterNode **out, FilterError *err)
{
	static const char *const accepted[] = {"operator", "value", NULL};
	Where		w;
	const FJson *operator,
			   *value;
	const FJson *const *elems;
	const OpmapOp *op = NULL;
	FilterKey	key;
	FilterFieldType type = FILTER_FIELD_UNKNOWN;
	FilterValue *values;
	FilterBuf	opname;
	int			nelems,
				i;
	FilterNode *node;

	where_key(&w, a, FILTER_DIALECT_OPMAP, name, namelen, cond);
	if (cond->type != FJ_OBJECT)
		return where_error(&w, err, "Each key maps to an object such as {\"operator\": \"gt\", \"value\": 10}.",
						   "condition for key \"%s\" is not an object", w.key);
	if (!check_keys(&w, cond, accepted, " in the condition", "A condition has the keys operator and value.", err))
		return false;

	/* operator: exact lower case, "" when absent */
	operator = fjson_get(cond, "operator");
	if (operator != NULL && operator->type != FJ_STRING)
		return where_error(&w, err, OPMAP_OPS_HINT, "operator must be a string%s", w.loc);
	for (i = 0; i < (int) (sizeof(opmap_ops) / sizeof(opmap_ops[0])); i++)
		if (operator == NULL ? i == 0 :
			(size_t) operator->len == strlen(opmap_ops[i].name) &&
			memcmp(operator->str, opmap_ops[i].name, (size_t) operator->len) == 0)
			op = &opmap_ops[i];
	if (op == NULL)
	{
		const char *hint = OPMAP_OPS_HINT;

		for (i = 0; i < (int) (sizeof(opmap_ops) / sizeof(opmap_ops[0])); i++)
			if (equal_ignoring_case(operator->str, (size_t) operator->len, opmap_ops[i].name))
				hint = "Operator names are written in lower case. " OPMAP_OPS_HINT;
		return where_error(&w, err, hint, "invalid operator \"%s\"%s",
						   clip(a, operator->str, (size_t) operator->len, FILTER_CLIP_CHARS), w.loc);
	}
	filter_buf_init(&opname, a);
	filter_buf_printf(&opname, "operator \"%s\"", op->name);
	w.opname = opname.data;
	filter_buf_init(&opname, a);
	filter_buf_printf(&opname, "Operator \"%s\"", op->name);
	w.hint_opname = opname.data;

	/* the field */
	if (resolver != NULL)
	{
		if (!opmap_resolve(&w, resolver, name, namelen, &key, &type, err))
			return false;
	}
	else
	{
		if (namelen == 0)
			return where_error(&w, err, "Keys are flat keys such as \"cost\" or \"metadata__tier\".",
							   "empty key in filter object");
		if (!filter_key_parse(a, name, (size_t) namelen, true, &key, err))
		{
			annotate(err, where_detail(&w));
			return false;
		}
	}

	/* operators the field type rules out */
	if (op->value == OV_LIST && !type_allows_list(type))
		return type_error(&w, err, type, "Operator \"in\" is available for text, text enum and number fields.");
	if (op->value == OV_ORDER && type == FILTER_FIELD_BOOLEAN)
		return type_error(&w, err, type, "Boolean fields take the operators \"\", not and isnull.");
	if (op->value == OV_STRING &&
		(type == FILTER_FIELD_NUMBER || type == FILTER_FIELD_BOOLEAN))
		return type_error(&w, err, type, op_hint(&w, "is available for text fields."));

	/* the value: a scalar, or an array (one element, or any number for "in") */
	value = fjson_get(cond, "value");
	if (value == NULL)
		return where_error(&w, err, opmap_value_hint(&w, op), "missing value%s", w.loc);
	if (value->type == FJ_ARRAY)
	{
		elems = (const FJson *const *) value->items;
		nelems = value->n;
	}
	else
	{
		elems = &value;
		nelems = 1;
	}
	if (op->value != OV_LIST && nelems != 1)
		return where_error(&w, err,
						   op_hint(&w, op->value == OV_BOOL ?
								   "takes one value; a one-element array such as [true] means the same as true, and only \"in\" takes a list." :
								   "takes one value; a one-element array such as [10] means the same as 10, and only \"in\" takes a list."),
						   nelems == 0 ? "missing value%s" : "too many values%s", w.loc);
	values = filter_alloc(a, sizeof(FilterValue) * (size_t) (nelems > 0 ? nelems : 1));
	for (i = 0; i < nelems; i++)
	{
		if (!opmap_value_ok(op, elems[i]))
			return where_error(&w, err, opmap_value_hint(&w, op), "invalid value%s", w.loc);
		if (op->value == OV_BOOL)
			continue;
		if (!make_value(&w, elems[i], op->value == OV_STRING ? FILTER_FIELD_UNKNOWN : type,
						false, &values[i], err))
			return false;
	}

	if (op->value == OV_BOOL)
	{
		node = atom(a, FOP_IS_NULL, &key, NULL, 0);
		*out = elems[0]->boolean ? node : filter_not(a, node);
		return true;
	}
	*out = atom(a, op->op, &key, values, nelems);
	return true;
}

/*
 * An operator map: every key is a flat key ("__" also separates) or, with a
 * resolver, a field name, and maps to {"operator": ..., "value": ...}.  The
 * conditions are ANDed; an empty object matches everything.
 */
FilterNode *
filter_parse_opmap(FilterAlloc *a, const FJson *json, const FilterResolver *resolver,
				   FilterError *err)
{
	FilterNode **nodes;
	int			i;

	if (json->type != FJ_OBJECT)
	{
		FilterBuf	detail;

		filter_buf_init(&detail, a);
		filter_buf_printf(&detail, "The filter is %s.", render(a, json));
		set_error(err, FILTER_ERR_VALUE, 0, "operator maps must be a JSON object", detail.data,
				  "Write {\"cost\": {\"operator\": \"gt\", \"value\": 10}}.");
		return NULL;
	}
	nodes = filter_alloc(a, sizeof(FilterNode *) * (size_t) (json->n > 0 ? json->n : 1));
	for (i = 0; i < json->n; i++)
		if (!opmap_condition(a, json->keys[i], json->keylens[i], json->items[i],
							 resolver, &nodes[i], err))
			return NULL;
	return and_of(a, nodes, json->n);
}

/* ---------------------------------------------------------------------
 * 4. PostgREST pairs as a JSON object: {"status": "eq.done", "or": "(...)"}
 * ---------------------------------------------------------------------
 */

/* Parse one pair of a pairs object into *out. */
static bool
pairs_member(FilterAlloc *a, const char *name, int namelen, const FJson *value,
			 FilterNode **out, FilterError *err)
{
	static const struct
	{
		const char *key;
		bool		is_or;
		bool		negated;
	}			logic[] = {
		{"or", true, false},
		{"and", false, false},
		{"not.or", true, true},
		{"not.and", false, true}
	};
	Where		w;
	FilterKey	key;
	int			i;

	where_key(&w, a, FILTER_DIALECT_PAIRS, name, namelen, value);
	if (value->type != FJ_STRING)
		return where_error(&w, err,
						   "In a pairs object every value is a string such as \"eq.done\", or \"(a.eq.1,b.gt.2)\" for or and and.",
						   "invalid value%s", w.loc);
	for (i = 0; i < (int) (sizeof(logic) / sizeof(logic[0])); i++)
	{
		if ((size_t) namelen == strlen(logic[i].key) &&
			memcmp(name, logic[i].key, (size_t) namelen) == 0)
		{
			*out = filter_parse_logic_tree(a, logic[i].is_or, logic[i].negated,
										   value->str, (size_t) value->len, err);
			if (*out == NULL)
			{
				annotate(err, where_detail(&w));
				return false;
			}
			return true;
		}
	}
	if (namelen == 0)
		return where_error(&w, err, "Keys are flat keys such as \"status\" or \"elems.a\".",
						   "empty key in filter object");
	if (!filter_key_parse(a, name, (size_t) namelen, false, &key, err))
	{
		annotate(err, where_detail(&w));
		return false;
	}
	*out = filter_parse_pair(a, &key, value->str, (size_t) value->len, err);
	if (*out == NULL)
	{
		annotate(err, where_detail(&w));
		return false;
	}
	return true;
}

/*
 * The JSON form of PostgREST pairs: an object whose values are strings,
 * key=value pairs ANDed.  "or", "and", "not.or" and "not.and" hold logic
 * trees; every other key is a flat key and its value op.value.
 */
FilterNode *
filter_parse_pairs_object(FilterAlloc *a, const FJson *json, FilterError *err)
{
	FilterNode **nodes;
	int			i;

	if (json->type != FJ_OBJECT)
	{
		FilterBuf	detail;

		filter_buf_init(&detail, a);
		filter_buf_printf(&detail, "The filter is %s.", render(a, json));
		set_error(err, FILTER_ERR_VALUE, 0, "pairs filters must be a JSON object", detail.data,
				  "Write {\"status\": \"eq.done\"}.");
		return NULL;
	}
	nodes = filter_alloc(a, sizeof(FilterNode *) * (size_t) (json->n > 0 ? json->n : 1));
	for (i = 0; i < json->n; i++)
		if (!pairs_member(a, json->keys[i], json->keylens[i], json->items[i], &nodes[i], err))
			return NULL;
	return and_of(a, nodes, json->n);
}

/* ---------------------------------------------------------------------
 * The dispatcher
 * ---------------------------------------------------------------------
 */

/* The kind of a JSON value in a detail: "an object", "the string "x"", ... */
static const char *
describe(FilterAlloc *a, const FJson *j)
{
	FilterBuf	buf;

	filter_buf_init(&buf, a);
	switch (j->type)
	{
		case FJ_NULL:
			filter_buf_appends(&buf, "null");
			break;
		case FJ_BOOL:
			filter_buf_appends(&buf, j->boolean ? "true" : "false");
			break;
		case FJ_NUMBER:
			filter_buf_printf(&buf, "the number %s", render(a, j));
			break;
		case FJ_STRING:
			filter_buf_printf(&buf, "the string %s", render(a, j));
			break;
		case FJ_ARRAY:
			filter_buf_printf(&buf, "the array %s", render(a, j));
			break;
		case FJ_OBJECT:
			filter_buf_printf(&buf, "the object %s", render(a, j));
			break;
	}
	return buf.data;
}

/*
 * Parse a JSON filter of any JSON dialect, told apart by its shape: an
 * array is a Tines filter, an empty object matches everything, an object
 * of objects is an operator map, an object of strings a pairs object, and a
 * string holds a text filter of either text dialect.  *dialect (may be
 * NULL) is set as soon as the shape is known, also when the filter then
 * fails; an empty object counts as an operator map.
 */
FilterNode *
filter_parse_json(FilterAlloc *a, const FJson *json, const FilterResolver *resolver,
				  FilterDialect *dialect, FilterError *err)
{
	FilterDialect scratch;
	FilterBuf	detail;
	int			i,
				first_object = -1,
				first_string = -1,
				first_other = -1;

	if (dialect == NULL)
		dialect = &scratch;
	filter_buf_init(&detail, a);
	switch (json->type)
	{
		case FJ_ARRAY:
			*dialect = FILTER_DIALECT_TINES;
			return filter_parse_tines(a, json, resolver, err);
		case FJ_STRING:
			{
				FilterNode *node;

				*dialect = FILTER_DIALECT_TEXT;
				node = filter_parse_any_text(a, json->str, (size_t) json->len, dialect, err);
				if (node == NULL)
				{
					/* messages cut by a fixed-size buffer must stay valid UTF-8 */
					trim_partial_utf8(err->message);
					trim_partial_utf8(err->detail);
					trim_partial_utf8(err->hint);
					return NULL;
				}
				return filter_normalize(a, node);
			}
		case FJ_OBJECT:
			break;
		default:
			filter_buf_printf(&detail, "The filter is %s.", describe(a, json));
			set_error(err, FILTER_ERR_VALUE, 0, "filter must be a JSON array, object or string",
					  detail.data, SHAPES_HINT);
			return NULL;
	}

	if (json->n == 0)
	{
		*dialect = FILTER_DIALECT_OPMAP;
		return filter_node(a, FOP_TRUE);
	}
	if (filter_json_is_canonical(json))
	{
		*dialect = FILTER_DIALECT_CANONICAL;
		return filter_parse_canonical(a, json, err);
	}
	for (i = 0; i < json->n; i++)
	{
		FJsonType	t = json->items[i]->type;

		if (t == FJ_OBJECT && first_object < 0)
			first_object = i;
		else if (t == FJ_STRING && first_string < 0)
			first_string = i;
		else if (t != FJ_OBJECT && t != FJ_STRING && first_other < 0)
			first_other = i;
	}
	if (first_other < 0 && first_string < 0)
	{
		*dialect = FILTER_DIALECT_OPMAP;
		return filter_parse_opmap(a, json, resolver, err);
	}
	if (first_other < 0 && first_object < 0)
	{
		*dialect = FILTER_DIALECT_PAIRS;
		return filter_parse_pairs_object(a, json, err);
	}
	if (first_other >= 0)
		filter_buf_printf(&detail, "The value of key \"%s\" is %s; an operator map has only object values and a pairs object only string values.",
						  clip(a, json->keys[first_other], (size_t) json->keylens[first_other], FILTER_CLIP_CHARS),
						  describe(a, json->items[first_other]));
	else
	{
		filter_buf_printf(&detail, "Key \"%s\" has an object value and ",
						  clip(a, json->keys[first_object], (size_t) json->keylens[first_object], FILTER_CLIP_CHARS));
		filter_buf_printf(&detail, "key \"%s\" a string value.",
						  clip(a, json->keys[first_string], (size_t) json->keylens[first_string], FILTER_CLIP_CHARS));
	}
	set_error(err, FILTER_ERR_VALUE, 0, "filter object must have only object values or only string values",
			  detail.data, SHAPES_HINT);
	return NULL;
}
