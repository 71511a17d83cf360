/*-------------------------------------------------------------------------
 *
 * filter_text.c
 *	  The flowthings filter language: a hand-written lexer and a
 *	  recursive-descent parser that produce normalized filter trees.
 *
 *	filter := or
 *	or     := and (('||' | OR) and)*
 *	and    := unary (('&&' | AND) unary)*
 *	unary  := NOT unary | '(' or ')' | atom
 *	atom   := EXISTS member
 *			| MATCHES regex
 *			| AGE ['(' string ')'] cmpop number
 *			| member cmpop (value | member)
 *			| member '%' number ('==' | '!=') number
 *			| member '=~' regex
 *			| member IN list
 *			| member CONTAINS list
 *			| member WITHIN number unit OF '[' number ',' number ']'
 *
 * Keywords are case-insensitive; a member whose first segment is a
 * keyword is written in backquotes.  The lexer is driven by the parser: in
 * member position a run of digits is a segment ("photos.1.url"), in value
 * position it starts a number, and a "/" becomes a regular expression only
 * where one is expected.  Every error names the offending token and its
 * 1-based character position and says what was expected there.
 *
 * Free of backend dependencies (see filter.h).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter_text.c
 *
 *-------------------------------------------------------------------------
 */
#include "filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


/* Milliseconds of 0000-01-01 and of 9999-12-31 23:59:59.999, UTC. */
#define DATE_MIN_MS INT64_C(-62167219200000)
#define DATE_MAX_MS INT64_C(253402300799999)

#define HINT_CONDITION "A condition starts with a member name, EXISTS, MATCHES, AGE, NOT or \"(\"."
#define HINT_OPERATOR "Comparisons are written key == value; the operators are <, <=, ==, >, >=, != and =~, and a member can also be followed by %, IN, CONTAINS or WITHIN."
#define HINT_ASSIGN "Comparisons use == for equality, not =."
#define HINT_ASSIGN_PAIRS "Comparisons use == for equality, not =; PostgREST-style pairs are written key=operator.value with one of eq, neq, gt, gte, lt, lte, like, ilike, in, is and not."
#define HINT_VALUE "A value is a string in quotes, a number, true, false, null, Date(ms) or another member."
#define HINT_LIST "Lists are written [value, value, ...] and hold strings, numbers, true, false, null and Date(ms)."
#define HINT_REGEX "Regular expressions are written /pattern/flags with \\/ for a slash inside; the flags are i, m, s and g."
#define HINT_FLAGS "The flags are i (ignore case), m (^ and $ match at line breaks), s (. matches a line break) and g (accepted, no effect)."
#define HINT_COMBINE "Conditions are combined with && (or AND) and || (or OR) and grouped with parentheses."
#define HINT_SEGMENT "A member is written as segments joined by dots; a segment is a name ([A-Za-z_$][A-Za-z0-9_$-]*), digits, or any text in backquotes such as `my key`."
#define HINT_STRING "Strings end with the quote they start with; write \\\" or \\' for a quote inside."
#define HINT_ESCAPE "The escapes are \\\", \\', \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\uXXXX."
#define HINT_NUMBER "Numbers are written as digits with an optional minus, fraction and exponent, for example 12, -3.5 or 6.02e23."
#define HINT_MOD "A remainder test is written member % divisor == remainder (or !=)."
#define HINT_WITHIN "A distance test is written member WITHIN distance MILES OF [latitude, longitude] (or KM)."
#define HINT_UNIT "The units are MILES (or MILE, MI) and KM (or KILOMETERS)."
#define HINT_AGE "An age test is written AGE < ms or AGE ('field') < ms, with one of <, <=, ==, >, >= and !=."
#define HINT_DATE "Date() takes whole milliseconds since 1970-01-01 00:00 UTC, for example Date(1420664203776)."
#define HINT_NEGATE "A condition is negated with NOT; inequality is written !=."

/* Kinds of tokens. */
typedef enum TokKind
{
	TK_EOF,
	TK_IDENT,					/* [A-Za-z_$][A-Za-z0-9_$-]*, keywords too */
	TK_DIGITS,					/* [0-9]+ where a member segment may come */
	TK_BADSEG,					/* a digit-led run that is not all digits */
	TK_BACKQ,					/* `segment`, val unescaped */
	TK_NUMBER,					/* a number where a value is expected */
	TK_STRING,					/* "..." or '...', val unescaped */
	TK_REGEX,					/* /pattern/flags, val the pattern */
	TK_DOT,
	TK_LPAREN,
	TK_RPAREN,
	TK_LBRACK,
	TK_RBRACK,
	TK_COMMA,
	TK_LT,
	TK_LE,
	TK_EQ,
	TK_GT,
	TK_GE,
	TK_NE,
	TK_MATCH,					/* =~ */
	TK_PERCENT,
	TK_AND,						/* && */
	TK_OR,						/* || */
	TK_ASSIGN,					/* = alone */
	TK_BANG,					/* ! alone */
	TK_AMP,						/* & alone */
	TK_PIPE,					/* | alone */
	TK_SLASH,					/* / outside a regular expression */
	TK_OTHER					/* any other character */
} TokKind;

/* How the lexer reads digits, "-", "+" and "." (see the file header). */
typedef enum LexMode
{
	LEX_MEMBER,
	LEX_VALUE
} LexMode;

/* Keywords; those before KW_MILE are reserved as first member segments. */
typedef enum Keyword
{
	KW_NONE,
	KW_AND,
	KW_OR,
	KW_NOT,
	KW_EXISTS,
	KW_MATCHES,
	KW_AGE,
	KW_IN,
	KW_CONTAINS,
	KW_WITHIN,
	KW_OF,
	KW_MILES,
	KW_KM,
	KW_TRUE,
	KW_FALSE,
	KW_NULL,
	KW_DATE,
	KW_MILE,
	KW_MI,
	KW_KILOMETERS
} Keyword;

static const struct
{
	const char *name;
	Keyword		kw;
}			keywords[] =
{
	{"and", KW_AND},
	{"or", KW_OR},
	{"not", KW_NOT},
	{"exists", KW_EXISTS},
	{"matches", KW_MATCHES},
	{"age", KW_AGE},
	{"in", KW_IN},
	{"contains", KW_CONTAINS},
	{"within", KW_WITHIN},
	{"of", KW_OF},
	{"miles", KW_MILES},
	{"km", KW_KM},
	{"true", KW_TRUE},
	{"false", KW_FALSE},
	{"null", KW_NULL},
	{"date", KW_DATE},
	{"mile", KW_MILE},
	{"mi", KW_MI},
	{"kilometers", KW_KILOMETERS}
};

/* One token: its kind, its bytes in the input and its decoded value. */
typedef struct Token
{
	TokKind		kind;
	size_t		start;			/* byte offsets in the input */
	size_t		end;
	bool		space_before;	/* whitespace directly before it */
	const char *val;			/* TK_STRING, TK_BACKQ, TK_REGEX */
	size_t		vlen;
	FilterValue number;			/* TK_NUMBER */
	char		flags[4];		/* TK_REGEX: sorted subset of "ims" */
} Token;

/* State of one parse. */
typedef struct TextParser
{
	FilterAlloc *a;
	const char *s;
	size_t		len;
	FilterError *err;
	Token		tok;			/* the current token */
	Token		prev;			/* the token before it */
	bool		has_prev;
	int			depth;			/* NOT and parentheses around tok */
	size_t		cur_off;		/* character position cache */
	int			cur_pos;
} TextParser;

/* Growable arrays in filter memory. */
typedef struct NodeVec
{
	FilterNode **items;
	size_t		n;
	size_t		cap;
} NodeVec;

typedef struct ValueVec
{
	FilterValue *items;
	size_t		n;
	size_t		cap;
} ValueVec;

typedef struct SegVec
{
	FilterSeg  *items;
	size_t		n;
	size_t		cap;
} SegVec;

static bool syntax_error(TextParser *p, const Token *t, const char *hint,
						 const char *fmt,...)
			__attribute__((format(printf, 4, 5)));
static bool value_error(TextParser *p, size_t off, const char *hint,
						const char *message, const char *fmt,...)
			__attribute__((format(printf, 5, 6)));
static FilterNode *parse_or(TextParser *p);

/* Grow an array of elements of size elem to hold one more; returns it. */
static void *
grow(FilterAlloc *a, void *items, size_t n, size_t *cap, size_t elem)
{
	void	   *bigger;

	if (n < *cap)
		return items;
	*cap = *cap == 0 ? 4 : *cap * 2;
	bigger = filter_alloc(a, *cap * elem);
	if (n > 0)
		memcpy(bigger, items, n * elem);
	return bigger;
}

/* Append a node. */
static void
nodevec_push(FilterAlloc *a, NodeVec *v, FilterNode *node)
{
	v->items = grow(a, v->items, v->n, &v->cap, sizeof(FilterNode *));
	v->items[v->n++] = node;
}

/* Append a value. */
static void
valuevec_push(FilterAlloc *a, ValueVec *v, const FilterValue *value)
{
	v->items = grow(a, v->items, v->n, &v->cap, sizeof(FilterValue));
	v->items[v->n++] = *value;
}

/* Append a segment. */
static void
segvec_push(FilterAlloc *a, SegVec *v, const char *s, size_t len)
{
	v->items = grow(a, v->items, v->n, &v->cap, sizeof(FilterSeg));
	v->items[v->n].s = s;
	v->items[v->n].len = (int) len;
	v->n++;
}

/* Is c an ASCII digit? */
static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Is c an ASCII letter? */
static inline bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Can c start a name segment? */
static inline bool
is_ident_start(char c)
{
	return is_alpha(c) || c == '_' || c == '$';
}

/* Can c continue a name segment? */
static inline bool
is_ident_char(char c)
{
	return is_ident_start(c) || is_digit(c) || c == '-';
}

/* Is c whitespace between tokens? */
static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Lower-case an ASCII letter. */
static inline char
to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}


/* Value of a hex digit, or -1. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The 1-based character position of byte offset off. */
static int
char_pos(TextParser *p, size_t off)
{
	if (off < p->cur_off)
	{
		p->cur_off = 0;
		p->cur_pos = 1;
	}
	while (p->cur_off < off)
	{
		if (((unsigned char) p->s[p->cur_off] & 0xC0) != 0x80)
			p->cur_pos++;
		p->cur_off++;
	}
	return p->cur_pos;
}

/* A token covering s[start..end) for messages about lexical errors. */
static Token
span_token(size_t start, size_t end)
{
	Token		t;

	memset(&t, 0, sizeof(t));
	t.kind = TK_OTHER;
	t.start = start;
	t.end = end;
	return t;
}

/*
 * Report a syntax error at token t: the message names the token (or the end
 * of the filter), the detail says where and what was expected.
 */
static bool
syntax_error(TextParser *p, const Token *t, const char *hint, const char *fmt,...)
{
	char		detail[sizeof(p->err->detail)];
	char		token[FILTER_CLIP_BUF];
	int			pos = char_pos(p, t->start);
	va_list		args;

	va_start(args, fmt);
	vsnprintf(detail, sizeof(detail), fmt, args);
	va_end(args);
	if (t->kind == TK_EOF)
		filter_error(p->err, FILTER_ERR_SYNTAX, pos, hint,
					 "syntax error at end of filter");
	else
		filter_error(p->err, FILTER_ERR_SYNTAX, pos, hint,
					 "syntax error at or near \"%s\" in filter",
					 filter_clip(token, p->s + t->start, t->end - t->start));
	filter_error_detail(p->err, "At character %d of the filter: %s", pos, detail);
	return false;
}

/* Report a wrong value at byte offset off with its own message. */
static bool
value_error(TextParser *p, size_t off, const char *hint, const char *message,
			const char *fmt,...)
{
	char		detail[sizeof(p->err->detail)];
	int			pos = char_pos(p, off);
	va_list		args;

	va_start(args, fmt);
	vsnprintf(detail, sizeof(detail), fmt, args);
	va_end(args);
	filter_error(p->err, FILTER_ERR_VALUE, pos, hint, "%s", message);
	filter_error_detail(p->err, "At character %d of the filter: %s", pos, detail);
	return false;
}

/* The source text of a token, clipped, for messages. */
static const char *
tok_text(const TextParser *p, const Token *t, char *buf)
{
	if (t->kind == TK_EOF)
		return "";
	return filter_clip(buf, p->s + t->start, t->end - t->start);
}

/* The keyword a token spells, if any. */
static Keyword
keyword_of(const TextParser *p, const Token *t)
{
	size_t		len = t->end - t->start,
				k,
				i;

	if (t->kind != TK_IDENT)
		return KW_NONE;
	for (k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
	{
		const char *name = keywords[k].name;

		if (strlen(name) != len)
			continue;
		for (i = 0; i < len; i++)
			if (to_lower(p->s[t->start + i]) != name[i])
				break;
		if (i == len)
			return keywords[k].kw;
	}
	return KW_NONE;
}

/* Is kw reserved as the first segment of a member? */
static inline bool
is_reserved(Keyword kw)
{
	return kw != KW_NONE && kw < KW_MILE;
}

/* Read four hex digits at s[i] into *cp. */
static bool
read_hex4(const TextParser *p, size_t i, uint32_t *cp)
{
	int			k;

	*cp = 0;
	for (k = 0; k < 4; k++)
	{
		int			h = i + (size_t) k < p->len ? hex_value(p->s[i + (size_t) k]) : -1;

		if (h < 0)
			return false;
		*cp = *cp * 16 + (uint32_t) h;
	}
	return true;
}

/* Encode a code point (not a surrogate) as UTF-8; returns the length. */
static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

/* Lex a quoted string starting at s[i]. */
static bool
lex_string(TextParser *p, size_t i, Token *t)
{
	const char *s = p->s;
	char		quote = s[i];
	size_t		j = i + 1;
	FilterBuf	buf;

	filter_buf_init(&buf, p->a);
	for (;;)
	{
		char		c;

		if (j >= p->len)
		{
			Token		bad = span_token(i, p->len);

			return syntax_error(p, &bad, HINT_STRING, "the string is not terminated.");
		}
		c = s[j];
		if (c == quote)
		{
			j++;
			break;
		}
		if (c != '\\')
		{
			filter_buf_appendc(&buf, c);
			j++;
			continue;
		}
		if (j + 1 >= p->len)
		{
			Token		bad = span_token(i, p->len);

			return syntax_error(p, &bad, HINT_STRING, "the string is not terminated.");
		}
		switch (s[j + 1])
		{
			case '"':
			case '\'':
			case '\\':
			case '/':
				filter_buf_appendc(&buf, s[j + 1]);
				j += 2;
				break;
			case 'b':
				filter_buf_appendc(&buf, '\b');
				j += 2;
				break;
			case 'f':
				filter_buf_appendc(&buf, '\f');
				j += 2;
				break;
			case 'n':
				filter_buf_appendc(&buf, '\n');
				j += 2;
				break;
			case 'r':
				filter_buf_appendc(&buf, '\r');
				j += 2;
				break;
			case 't':
				filter_buf_appendc(&buf, '\t');
				j += 2;
				break;
			case 'u':
				{
					size_t		esc = j;
					uint32_t	cp,
								lo;
					char		utf8[4];
					size_t		n;

					if (!read_hex4(p, j + 2, &cp))
					{
						Token		bad = span_token(esc, j + 2);

						while (bad.end < p->len && bad.end < j + 6 &&
							   hex_value(s[bad.end]) >= 0)
							bad.end++;
						return syntax_error(p, &bad, HINT_ESCAPE,
											"\\u must be followed by four hexadecimal digits.");
					}
					j += 6;
					if (cp >= 0xDC00 && cp <= 0xDFFF)
					{
						Token		bad = span_token(esc, j);

						return syntax_error(p, &bad, HINT_ESCAPE,
											"a low surrogate must follow a high surrogate.");
					}
					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						if (j + 1 >= p->len || s[j] != '\\' || s[j + 1] != 'u' ||
							!read_hex4(p, j + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
						{
							Token		bad = span_token(esc, j);

							return syntax_error(p, &bad, HINT_ESCAPE,
												"a high surrogate must be followed by a \\u escape of a low surrogate.");
						}
						j += 6;
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					}
					if (cp == 0)
					{
						Token		bad = span_token(esc, j);

						return syntax_error(p, &bad, HINT_ESCAPE,
											"strings cannot contain the NUL character.");
					}
					n = utf8_encode(cp, utf8);
					filter_buf_append(&buf, utf8, n);
					break;
				}
			default:
				{
					Token		bad = span_token(j, j + 1 + filter_utf8_char_len((unsigned char) s[j + 1]));
					char		text[FILTER_CLIP_BUF];

					return syntax_error(p, &bad, HINT_ESCAPE,
										"\"%s\" is not a valid escape in a string.",
										tok_text(p, &bad, text));
				}
		}
	}
	t->kind = TK_STRING;
	t->end = j;
	t->val = buf.data;
	t->vlen = buf.len;
	return true;
}

/* Lex a backquoted segment starting at s[i]; `` is a backquote. */
static bool
lex_backquoted(TextParser *p, size_t i, Token *t)
{
	size_t		j = i + 1;
	FilterBuf	buf;

	filter_buf_init(&buf, p->a);
	for (;;)
	{
		if (j >= p->len)
		{
			Token		bad = span_token(i, p->len);

			return syntax_error(p, &bad, HINT_SEGMENT,
								"the backquoted member name is not terminated.");
		}
		if (p->s[j] == '`')
		{
			if (j + 1 < p->len && p->s[j + 1] == '`')
			{
				filter_buf_appendc(&buf, '`');
				j += 2;
				continue;
			}
			j++;
			break;
		}
		filter_buf_appendc(&buf, p->s[j++]);
	}
	t->kind = TK_BACKQ;
	t->end = j;
	t->val = buf.data;
	t->vlen = buf.len;
	return true;
}

/* Can c continue a malformed number (for the token an error quotes)? */
static inline bool
is_number_junk(const char *s, size_t j)
{
	char		c = s[j];

	return is_ident_char(c) || c == '.' ||
		(c == '+' && j > 0 && (s[j - 1] == 'e' || s[j - 1] == 'E'));
}

/*
 * Lex a number -?\d+(\.\d+)?([eE][+-]?\d+)? at s[i]; anything glued to it
 * that could be meant as part of it makes it a malformed number.
 */
static bool
lex_number(TextParser *p, size_t i, Token *t)
{
	const char *s = p->s;
	size_t		len = p->len,
				j = i,
				strict = i,
				d;
	bool		ok = false;
	char		text[FILTER_CLIP_BUF];

	if (j < len && s[j] == '-')
		j++;
	d = j;
	while (j < len && is_digit(s[j]))
		j++;
	if (j > d)
	{
		ok = true;
		strict = j;
		if (j + 1 < len && s[j] == '.' && is_digit(s[j + 1]))
		{
			j++;
			while (j < len && is_digit(s[j]))
				j++;
			strict = j;
		}
		if (j < len && (s[j] == 'e' || s[j] == 'E'))
		{
			size_t		e = j + 1;

			if (e < len && (s[e] == '+' || s[e] == '-'))
				e++;
			if (e < len && is_digit(s[e]))
			{
				while (e < len && is_digit(s[e]))
					e++;
				strict = e;
			}
		}
	}
	j = ok ? strict : i + 1;
	while (j < len && is_number_junk(s, j))
		j++;
	t->end = j;
	if (!ok || j != strict)
	{
		Token		bad = span_token(i, j);

		return syntax_error(p, &bad, HINT_NUMBER, "\"%s\" is not a valid number.",
							tok_text(p, &bad, text));
	}
	if (!filter_number_canonical(p->a, s + i, j - i, &t->number))
		return value_error(p, i, "Exponents of numbers are limited to 1000 and -1000.",
						   "number out of range in filter",
						   "the exponent of \"%s\" is too large.",
						   filter_clip(text, s + i, j - i));
	t->kind = TK_NUMBER;
	return true;
}

/* Lex the token after the current one, reading digits as mode says. */
static bool
advance(TextParser *p, LexMode mode)
{
	const char *s = p->s;
	size_t		len = p->len,
				i = p->tok.end;
	Token	   *t = &p->tok;
	char		c,
				n;

	p->prev = p->tok;
	p->has_prev = p->prev.end > 0;
	while (i < len && is_space(s[i]))
		i++;
	memset(t, 0, sizeof(*t));
	t->start = i;
	t->end = i + 1;
	t->space_before = i > p->prev.end;
	if (i >= len)
	{
		t->kind = TK_EOF;
		t->end = len;
		return true;
	}
	c = s[i];
	n = i + 1 < len ? s[i + 1] : '\0';
	if (mode == LEX_VALUE &&
		(is_digit(c) || ((c == '-' || c == '+') && (is_digit(n) || n == '.')) ||
		 (c == '.' && is_digit(n))))
		return lex_number(p, i, t);
	if (is_digit(c))
	{
		size_t		j = i;
		bool		digits = true;

		while (j < len && is_ident_char(s[j]))
		{
			if (!is_digit(s[j]))
				digits = false;
			j++;
		}
		t->kind = digits ? TK_DIGITS : TK_BADSEG;
		t->end = j;
		return true;
	}
	if (is_ident_start(c))
	{
		size_t		j = i + 1;

		while (j < len && is_ident_char(s[j]))
			j++;
		t->kind = TK_IDENT;
		t->end = j;
		return true;
	}
	switch (c)
	{
		case '"':
		case '\'':
			return lex_string(p, i, t);
		case '`':
			return lex_backquoted(p, i, t);
		case '.':
			t->kind = TK_DOT;
			return true;
		case '(':
			t->kind = TK_LPAREN;
			return true;
		case ')':
			t->kind = TK_RPAREN;
			return true;
		case '[':
			t->kind = TK_LBRACK;
			return true;
		case ']':
			t->kind = TK_RBRACK;
			return true;
		case ',':
			t->kind = TK_COMMA;
			return true;
		case '%':
			t->kind = TK_PERCENT;
			return true;
		case '/':
			t->kind = TK_SLASH;
			return true;
		case '<':
			t->kind = n == '=' ? TK_LE : TK_LT;
			break;
		case '>':
			t->kind = n == '=' ? TK_GE : TK_GT;
			break;
		case '=':
			t->kind = n == '=' ? TK_EQ : n == '~' ? TK_MATCH : TK_ASSIGN;
			break;
		case '!':
			t->kind = n == '=' ? TK_NE : TK_BANG;
			break;
		case '&':
			t->kind = n == '&' ? TK_AND : TK_AMP;
			break;
		case '|':
			t->kind = n == '|' ? TK_OR : TK_PIPE;
			break;
		default:
			t->kind = TK_OTHER;
			t->end = i + filter_utf8_char_len((unsigned char) c);
			if (t->end > len)
				t->end = len;
			return true;
	}
	if (t->kind == TK_LE || t->kind == TK_GE || t->kind == TK_EQ ||
		t->kind == TK_MATCH || t->kind == TK_NE || t->kind == TK_AND ||
		t->kind == TK_OR)
		t->end = i + 2;
	return true;
}

/*
 * Re-read the current token, a "/", as a regular expression: "\/" stands
 * for "/", every other backslash sequence is kept as written.  Flags follow
 * the closing slash.
 */
static bool
lex_regex(TextParser *p)
{
	const char *s = p->s;
	size_t		i = p->tok.start,
				j = i + 1,
				k;
	FilterBuf	buf;
	bool		fi = false,
				fm = false,
				fs = false;
	int			nf = 0;

	filter_buf_init(&buf, p->a);
	for (;;)
	{
		if (j >= p->len || (s[j] == '\\' && j + 1 >= p->len))
		{
			Token		bad = span_token(i, p->len);

			return syntax_error(p, &bad, HINT_REGEX,
								"the regular expression is not terminated.");
		}
		if (s[j] == '\\')
		{
			if (s[j + 1] != '/')
				filter_buf_appendc(&buf, '\\');
			filter_buf_appendc(&buf, s[j + 1]);
			j += 2;
			continue;
		}
		if (s[j] == '/')
		{
			j++;
			break;
		}
		filter_buf_appendc(&buf, s[j++]);
	}
	for (k = j; k < p->len && (is_ident_char(s[k]) && s[k] != '-'); k++)
	{
		switch (s[k])
		{
			case 'i':
				fi = true;
				break;
			case 'm':
				fm = true;
				break;
			case 's':
				fs = true;
				break;
			case 'g':
				break;
			default:
				{
					char		message[64];

					snprintf(message, sizeof(message),
							 "invalid regular expression flag \"%c\" in filter", s[k]);
					return value_error(p, k, HINT_FLAGS, message,
									   "\"%c\" is not a flag of regular expressions.", s[k]);
				}
		}
	}
	p->tok.kind = TK_REGEX;
	p->tok.end = k;
	p->tok.val = buf.data;
	p->tok.vlen = buf.len;
	if (fi)
		p->tok.flags[nf++] = 'i';
	if (fm)
		p->tok.flags[nf++] = 'm';
	if (fs)
		p->tok.flags[nf++] = 's';
	p->tok.flags[nf] = '\0';
	return true;
}

/* The error for a member-position token that cannot start a member. */
static bool
member_error(TextParser *p)
{
	char		text[FILTER_CLIP_BUF],
				after[FILTER_CLIP_BUF],
				hint[sizeof(p->err->hint)];
	Keyword		kw = keyword_of(p, &p->tok);

	if (p->tok.kind == TK_BADSEG)
		return syntax_error(p, &p->tok, HINT_SEGMENT,
							"\"%s\" is not a member name segment.",
							tok_text(p, &p->tok, text));
	if (is_reserved(kw))
	{
		tok_text(p, &p->tok, text);
		snprintf(hint, sizeof(hint),
				 "A member whose first segment is a keyword is written in backquotes, for example `%s`.",
				 text);
		return syntax_error(p, &p->tok, hint,
							"\"%s\" is a keyword and cannot start a member name.", text);
	}
	if (p->tok.kind == TK_STRING)
		return syntax_error(p, &p->tok, HINT_SEGMENT,
							"member names are written without quotes.");
	return syntax_error(p, &p->tok, HINT_SEGMENT, "expected a member name after \"%s\".",
						tok_text(p, &p->prev, after));
}

/*
 * After advancing past a keyword: a "." right after it means the keyword
 * was meant as the first segment of a member.  Reports that and returns
 * false; returns true otherwise.
 */
static bool
not_keyword_member(TextParser *p)
{
	char		text[FILTER_CLIP_BUF],
				hint[sizeof(p->err->hint)];

	if (p->tok.kind != TK_DOT || p->tok.space_before)
		return true;
	tok_text(p, &p->prev, text);
	snprintf(hint, sizeof(hint),
			 "A member whose first segment is a keyword is written in backquotes, for example `%s`.",
			 text);
	return syntax_error(p, &p->prev, hint,
						"\"%s\" is a keyword and cannot start a member name.", text);
}

/*
 * Read a member at the current token into key; on return the current token
 * is the one after it.  [*start, *end) is its text.  The caller has checked
 * that the first segment is not a reserved keyword.
 */
static bool
parse_member(TextParser *p, FilterKey *key, size_t *start, size_t *end)
{
	SegVec		segs = {NULL, 0, 0};
	char		text[FILTER_CLIP_BUF];

	*start = p->tok.start;
	for (;;)
	{
		Token	   *t = &p->tok;

		if (t->kind == TK_IDENT || t->kind == TK_DIGITS)
			segvec_push(p->a, &segs, p->s + t->start, t->end - t->start);
		else if (t->kind == TK_BACKQ)
			segvec_push(p->a, &segs, t->val, t->vlen);
		else if (t->kind == TK_BADSEG)
			return syntax_error(p, t, HINT_SEGMENT, "\"%s\" is not a member name segment.",
								tok_text(p, t, text));
		else
			return syntax_error(p, t, HINT_SEGMENT,
								"expected a member name segment after \".\".");
		*end = t->end;
		if (!advance(p, LEX_MEMBER))
			return false;
		if (p->tok.kind != TK_DOT)
			break;
		if (p->tok.space_before)
			return syntax_error(p, &p->tok, HINT_SEGMENT,
								"a member name cannot contain spaces around its dots.");
		if (!advance(p, LEX_MEMBER))
			return false;
		if (p->tok.space_before)
			return syntax_error(p, &p->tok, HINT_SEGMENT,
								"a member name cannot contain spaces around its dots.");
	}
	filter_key_from_segments(p->a, key, segs.items, (int) segs.n);
	return true;
}

/* Can the current token start a member (not counting reserved keywords)? */
static bool
at_member(const TextParser *p)
{
	TokKind		k = p->tok.kind;

	if (k == TK_IDENT)
		return !is_reserved(keyword_of(p, &p->tok));
	return k == TK_DIGITS || k == TK_BACKQ;
}

/* The comparison operator of a token, or FOP_TRUE if it is none. */
static FilterOp
cmp_op(TokKind k)
{
	switch (k)
	{
		case TK_LT:
			return FOP_LT;
		case TK_LE:
			return FOP_LE;
		case TK_EQ:
			return FOP_EQ;
		case TK_GT:
			return FOP_GT;
		case TK_GE:
			return FOP_GE;
		case TK_NE:
			return FOP_NE;
		default:
			return FOP_TRUE;
	}
}

/* Read a number at the current token (lexed as a value); what names it. */
static bool
expect_number(TextParser *p, FilterValue *out, const char *what, const char *hint)
{
	char		text[FILTER_CLIP_BUF];

	if (p->tok.kind != TK_NUMBER)
	{
		if (p->has_prev)
			return syntax_error(p, &p->tok, hint, "expected %s after \"%s\".", what,
								tok_text(p, &p->prev, text));
		return syntax_error(p, &p->tok, hint, "expected %s.", what);
	}
	*out = p->tok.number;
	return true;
}

/* Is a canonical number zero? */
static bool
number_is_zero(const FilterValue *v)
{
	int			i;

	for (i = 0; i < v->len && v->str[i] != 'e'; i++)
		if (v->str[i] >= '1' && v->str[i] <= '9')
			return false;
	return true;
}

/* Is a canonical number negative (and not zero)? */
static bool
number_is_negative(const FilterValue *v)
{
	return v->str[0] == '-' && !number_is_zero(v);
}

/*
 * Is the magnitude of a canonical number greater than bound?  Exact: the
 * digits are compared, not a rounded double.
 */
static bool
number_exceeds(const FilterValue *v, int bound)
{
	const char *s = v->str;
	int			i = 0,
				len = v->len,
				point = -1,
				ndigits = 0;
	long		exponent = 0;
	char		digits[64];
	int			first = -1;
	long		intlen;
	uint64_t	intpart = 0;
	bool		frac = false;
	long		k;
	int			nd = 0;

	if (s[i] == '-')
		i++;
	for (; i < len && s[i] != 'e'; i++)
	{
		if (s[i] == '.')
		{
			point = ndigits;
			continue;
		}
		if (first < 0 && s[i] != '0')
			first = ndigits;
		if (first >= 0 && nd < (int) sizeof(digits))
			digits[nd++] = s[i];
		else if (first >= 0 && s[i] != '0')
			frac = true;		/* far beyond the bound's precision */
		ndigits++;
	}
	if (first < 0)
		return false;			/* zero */
	if (i < len && s[i] == 'e')
	{
		bool		neg = s[i + 1] == '-';

		for (i += neg ? 2 : 1; i < len; i++)
			exponent = exponent * 10 + (s[i] - '0');
		if (neg)
			exponent = -exponent;
	}
	if (point < 0)
		point = ndigits;
	/* The significant digits start at first; the integer part has intlen of them. */
	intlen = (long) point + exponent - first;
	if (intlen > 18)
		return true;
	for (k = 0; k < intlen; k++)
		intpart = intpart * 10 + (uint64_t) (k < nd ? digits[k] - '0' : 0);
	for (k = intlen < 0 ? 0 : intlen; k < nd; k++)
		if (digits[k] != '0')
			frac = true;
	if (intpart != (uint64_t) bound)
		return intpart > (uint64_t) bound;
	return frac;
}

/* Read a regular expression at the current token; after names what precedes. */
static bool
expect_regex(TextParser *p, const char *after)
{
	if (p->tok.kind != TK_SLASH)
		return syntax_error(p, &p->tok, HINT_REGEX,
							"expected a regular expression after \"%s\".", after);
	return lex_regex(p);
}

/* A REGEX node from the current TK_REGEX token. */
static FilterNode *
regex_node(TextParser *p, const FilterKey *key, int position)
{
	FilterNode *node = filter_node(p->a, FOP_REGEX);

	if (key)
		node->key = *key;
	node->pattern = p->tok.val;
	node->patlen = (int) p->tok.vlen;
	node->flags = filter_strndup(p->a, p->tok.flags, strlen(p->tok.flags));
	node->position = position;
	return node;
}

/* Read Date(ms) at the current token, the keyword Date. */
static bool
parse_date(TextParser *p, FilterValue *out)
{
	char		text[FILTER_CLIP_BUF];
	const char *s;
	size_t		i,
				n,
				start;
	bool		neg;
	int64_t		ms = 0;

	if (!advance(p, LEX_MEMBER) || !not_keyword_member(p))
		return false;
	if (p->tok.kind != TK_LPAREN)
		return syntax_error(p, &p->tok, HINT_DATE, "expected \"(\" after \"%s\".",
							tok_text(p, &p->prev, text));
	if (!advance(p, LEX_VALUE))
		return false;
	if (!expect_number(p, out, "a number of milliseconds", HINT_DATE))
		return false;
	s = p->s + p->tok.start;
	n = p->tok.end - p->tok.start;
	neg = s[0] == '-';
	for (i = neg ? 1 : 0; i < n; i++)
		if (!is_digit(s[i]))
			return value_error(p, p->tok.start, HINT_DATE,
							   "invalid argument of Date() in filter",
							   "\"%s\" is not a whole number of milliseconds.",
							   tok_text(p, &p->tok, text));
	start = neg ? 1 : 0;
	while (start + 1 < n && s[start] == '0')
		start++;
	if (n - start > 15)
		ms = DATE_MAX_MS + 1;
	else
		for (i = start; i < n; i++)
			ms = ms * 10 + (s[i] - '0');
	if (neg)
		ms = -ms;
	if (ms < DATE_MIN_MS || ms > DATE_MAX_MS)
		return value_error(p, p->tok.start, HINT_DATE,
						   "argument of Date() out of range in filter",
						   "Date(%s) is not between the years 0 and 9999.",
						   tok_text(p, &p->tok, text));
	if (!advance(p, LEX_MEMBER))
		return false;
	if (p->tok.kind != TK_RPAREN)
		return syntax_error(p, &p->tok, HINT_DATE,
							"expected \")\" after the milliseconds of Date.");
	memset(out, 0, sizeof(*out));
	out->type = FV_TIME;
	out->ms = ms;
	return advance(p, LEX_MEMBER);
}

/* What parse_literal found. */
typedef enum LiteralResult
{
	LIT_ERROR,
	LIT_VALUE,
	LIT_MEMBER					/* the token starts a member; nothing consumed */
} LiteralResult;

/*
 * Read a literal value at the current token (lexed as a value) and move
 * past it.  When allow_member is set, a token that starts a member is left
 * for the caller.
 */
static LiteralResult
parse_literal(TextParser *p, FilterValue *out, bool allow_member,
			  const char *hint)
{
	char		text[FILTER_CLIP_BUF],
				after[FILTER_CLIP_BUF];
	Keyword		kw = keyword_of(p, &p->tok);

	memset(out, 0, sizeof(*out));
	tok_text(p, &p->prev, after);
	switch (p->tok.kind)
	{
		case TK_STRING:
			filter_value_string(p->a, p->tok.val, p->tok.vlen, false, out);
			break;
		case TK_NUMBER:
			*out = p->tok.number;
			break;
		case TK_IDENT:
			if (kw == KW_TRUE || kw == KW_FALSE)
			{
				out->type = FV_BOOL;
				out->boolean = kw == KW_TRUE;
				break;
			}
			if (kw == KW_NULL)
			{
				out->type = FV_NULL;
				break;
			}
			if (kw == KW_DATE)
				return parse_date(p, out) ? LIT_VALUE : LIT_ERROR;
			if (is_reserved(kw))
			{
				syntax_error(p, &p->tok, hint,
							 "expected a value after \"%s\", found the keyword \"%s\".",
							 after, tok_text(p, &p->tok, text));
				return LIT_ERROR;
			}
			/* FALLTHROUGH */
		case TK_BACKQ:
			if (allow_member)
				return LIT_MEMBER;
			syntax_error(p, &p->tok, hint,
						 "expected a value after \"%s\"; lists cannot contain members.",
						 after);
			return LIT_ERROR;
		case TK_SLASH:
			syntax_error(p, &p->tok, HINT_REGEX,
						 "a regular expression is matched with =~, not \"%s\".", after);
			return LIT_ERROR;
		default:
			syntax_error(p, &p->tok, hint, "expected a value after \"%s\".", after);
			return LIT_ERROR;
	}
	if (!advance(p, LEX_MEMBER))
		return LIT_ERROR;
	/* true.x, null.x: a member named like a keyword */
	if ((kw == KW_TRUE || kw == KW_FALSE || kw == KW_NULL) && !not_keyword_member(p))
		return LIT_ERROR;
	return LIT_VALUE;
}

/* Read a list [value, ...] at the current token into *values. */
static bool
parse_list(TextParser *p, FilterValue **values, int *nvalues, const char *what)
{
	ValueVec	vec = {NULL, 0, 0};
	FilterValue v;

	if (p->tok.kind != TK_LBRACK)
		return syntax_error(p, &p->tok, HINT_LIST, "expected \"[\" after \"%s\".", what);
	if (!advance(p, LEX_VALUE))
		return false;
	if (p->tok.kind != TK_RBRACK)
	{
		for (;;)
		{
			if (parse_literal(p, &v, false, HINT_LIST) != LIT_VALUE)
				return false;
			valuevec_push(p->a, &vec, &v);
			if (p->tok.kind == TK_RBRACK)
				break;
			if (p->tok.kind != TK_COMMA)
				return syntax_error(p, &p->tok, HINT_LIST,
									"expected \",\" or \"]\" after a value in the list.");
			if (!advance(p, LEX_VALUE))
				return false;
		}
	}
	*values = vec.items;
	*nvalues = (int) vec.n;
	return advance(p, LEX_MEMBER);
}

/* member WITHIN distance unit OF [lat, lon], at the token after WITHIN. */
static FilterNode *
parse_within(TextParser *p, FilterNode *node)
{
	Keyword		kw;
	char		text[FILTER_CLIP_BUF];

	node->op = FOP_WITHIN;
	node->nvalues = 3;
	node->values = filter_alloc(p->a, sizeof(FilterValue) * 3);
	if (!expect_number(p, &node->values[0], "a distance", HINT_WITHIN))
		return NULL;
	if (number_is_negative(&node->values[0]))
	{
		value_error(p, p->tok.start, HINT_WITHIN, "negative distance in filter",
					"the distance %s is negative.", tok_text(p, &p->tok, text));
		return NULL;
	}
	if (!advance(p, LEX_MEMBER))
		return NULL;
	kw = keyword_of(p, &p->tok);
	if (kw == KW_MILES || kw == KW_MILE || kw == KW_MI)
		node->unit = FILTER_UNIT_MILES;
	else if (kw == KW_KM || kw == KW_KILOMETERS)
		node->unit = FILTER_UNIT_KM;
	else
	{
		syntax_error(p, &p->tok, HINT_UNIT, "expected a unit after the distance.");
		return NULL;
	}
	if (!advance(p, LEX_MEMBER))
		return NULL;
	if (keyword_of(p, &p->tok) != KW_OF)
	{
		syntax_error(p, &p->tok, HINT_WITHIN, "expected OF after \"%s\".",
					 tok_text(p, &p->prev, text));
		return NULL;
	}
	if (!advance(p, LEX_MEMBER))
		return NULL;
	if (p->tok.kind != TK_LBRACK)
	{
		syntax_error(p, &p->tok, HINT_WITHIN, "expected \"[\" after \"%s\".",
					 tok_text(p, &p->prev, text));
		return NULL;
	}
	if (!advance(p, LEX_VALUE) ||
		!expect_number(p, &node->values[1], "a latitude", HINT_WITHIN))
		return NULL;
	if (number_exceeds(&node->values[1], 90))
	{
		value_error(p, p->tok.start, HINT_WITHIN, "latitude out of range in filter",
					"the latitude %s is not between -90 and 90.",
					tok_text(p, &p->tok, text));
		return NULL;
	}
	if (!advance(p, LEX_MEMBER))
		return NULL;
	if (p->tok.kind != TK_COMMA)
	{
		syntax_error(p, &p->tok, HINT_WITHIN, "expected \",\" after the latitude.");
		return NULL;
	}
	if (!advance(p, LEX_VALUE) ||
		!expect_number(p, &node->values[2], "a longitude", HINT_WITHIN))
		return NULL;
	if (number_exceeds(&node->values[2], 180))
	{
		value_error(p, p->tok.start, HINT_WITHIN, "longitude out of range in filter",
					"the longitude %s is not between -180 and 180.",
					tok_text(p, &p->tok, text));
		return NULL;
	}
	if (!advance(p, LEX_MEMBER))
		return NULL;
	if (p->tok.kind != TK_RBRACK)
	{
		syntax_error(p, &p->tok, HINT_WITHIN, "expected \"]\" after the longitude.");
		return NULL;
	}
	if (!advance(p, LEX_MEMBER))
		return NULL;
	return node;
}

/* member % X (== | !=) Y, at the token after "%". */
static FilterNode *
parse_mod(TextParser *p, FilterNode *node)
{
	char		text[FILTER_CLIP_BUF];

	node->op = FOP_MOD;
	node->nvalues = 2;
	node->values = filter_alloc(p->a, sizeof(FilterValue) * 2);
	if (!expect_number(p, &node->values[0], "a divisor", HINT_MOD))
		return NULL;
	if (number_is_zero(&node->values[0]))
	{
		value_error(p, p->tok.start, HINT_MOD, "division by zero in filter",
					"the divisor of \"%%\" is %s.", tok_text(p, &p->tok, text));
		return NULL;
	}
	if (!advance(p, LEX_MEMBER))
		return NULL;
	if (p->tok.kind != TK_EQ && p->tok.kind != TK_NE)
	{
		syntax_error(p, &p->tok, HINT_MOD, "expected == or != after the divisor.");
		return NULL;
	}
	node->cmp = p->tok.kind == TK_EQ ? FOP_EQ : FOP_NE;
	if (!advance(p, LEX_VALUE) ||
		!expect_number(p, &node->values[1], "a number", HINT_MOD) ||
		!advance(p, LEX_MEMBER))
		return NULL;
	return node;
}

/* The rest of an atom that starts with a member. */
static FilterNode *
parse_comparison(TextParser *p)
{
	FilterNode *node = filter_node(p->a, FOP_EQ);
	size_t		mstart = 0,
				mend = 0;
	char		member[FILTER_CLIP_BUF],
				text[FILTER_CLIP_BUF];
	FilterOp	op;
	Keyword		kw;

	node->position = char_pos(p, p->tok.start);
	if (!parse_member(p, &node->key, &mstart, &mend))
		return NULL;
	filter_clip(member, p->s + mstart, mend - mstart);
	op = cmp_op(p->tok.kind);
	kw = keyword_of(p, &p->tok);
	if (op != FOP_TRUE)
	{
		FilterValue v;
		LiteralResult r;
		size_t		j;

		node->op = op;
		if (!advance(p, LEX_VALUE))
			return NULL;
		r = parse_literal(p, &v, true, HINT_VALUE);
		if (r == LIT_ERROR)
			return NULL;
		if (r == LIT_VALUE)
		{
			node->nvalues = 1;
			node->values = filter_alloc(p->a, sizeof(FilterValue));
			node->values[0] = v;
			return node;
		}
		/* member op member; a name followed by "(" was meant as a function */
		for (j = p->tok.end; j < p->len && is_space(p->s[j]); j++)
			;
		if (p->tok.kind == TK_IDENT && j < p->len && p->s[j] == '(')
		{
			syntax_error(p, &p->tok, HINT_VALUE,
						 "\"%s\" is not a function; the only function is Date().",
						 tok_text(p, &p->tok, text));
			return NULL;
		}
		node->has_key2 = true;
		if (!parse_member(p, &node->key2, &mstart, &mend))
			return NULL;
		return node;
	}
	switch (p->tok.kind)
	{
		case TK_MATCH:
			if (!advance(p, LEX_MEMBER) || !expect_regex(p, "=~"))
				return NULL;
			node = regex_node(p, &node->key, node->position);
			return advance(p, LEX_MEMBER) ? node : NULL;
		case TK_PERCENT:
			if (!advance(p, LEX_VALUE))
				return NULL;
			return parse_mod(p, node);
		case TK_ASSIGN:
			{
				/* key=word. looks like a PostgREST pair with an unknown operator */
				size_t		j = p->tok.end;

				while (j < p->len && (is_alpha(p->s[j]) || p->s[j] == '_'))
					j++;
				syntax_error(p, &p->tok,
							 j > p->tok.end && j < p->len && p->s[j] == '.' ?
							 HINT_ASSIGN_PAIRS : HINT_ASSIGN,
							 "expected an operator after \"%s\"; \"=\" alone is not an operator.",
							 member);
				return NULL;
			}
		case TK_BANG:
			syntax_error(p, &p->tok, HINT_NEGATE,
						 "\"!\" is not an operator; inequality is written !=.");
			return NULL;
		case TK_IDENT:
			if (kw == KW_IN || kw == KW_CONTAINS)
			{
				size_t		list_start;

				tok_text(p, &p->tok, text);
				node->op = kw == KW_IN ? FOP_IN : FOP_CONTAINS_ALL;
				if (!advance(p, LEX_MEMBER))
					return NULL;
				list_start = p->tok.start;
				if (!parse_list(p, &node->values, &node->nvalues, text))
					return NULL;
				if (node->op == FOP_CONTAINS_ALL && node->nvalues == 0)
				{
					value_error(p, list_start, "CONTAINS [a, b] matches when the member holds every listed value.",
								"empty list after CONTAINS in filter",
								"CONTAINS needs at least one value.");
					return NULL;
				}
				return node;
			}
			if (kw == KW_WITHIN)
			{
				if (!advance(p, LEX_VALUE))
					return NULL;
				return parse_within(p, node);
			}
			syntax_error(p, &p->tok, HINT_OPERATOR, "\"%s\" is not an operator.",
						 tok_text(p, &p->tok, text));
			return NULL;
		default:
			if (p->tok.kind == TK_OTHER && !p->tok.space_before &&
				((unsigned char) p->s[p->tok.start] >= 0x80 || p->s[p->tok.start] == '\\'))
				syntax_error(p, &p->tok, HINT_SEGMENT,
							 "\"%s\" cannot be part of a member name outside backquotes.",
							 tok_text(p, &p->tok, text));
			else
				syntax_error(p, &p->tok, HINT_OPERATOR, "expected an operator after \"%s\".",
							 member);
			return NULL;
	}
}

/* AGE ['(' string ')'] cmpop number, at the AGE token. */
static FilterNode *
parse_age(TextParser *p)
{
	FilterNode *node = filter_node(p->a, FOP_AGE);
	char		text[FILTER_CLIP_BUF];

	node->position = char_pos(p, p->tok.start);
	if (!advance(p, LEX_MEMBER) || !not_keyword_member(p))
		return NULL;
	if (p->tok.kind == TK_LPAREN)
	{
		if (!advance(p, LEX_MEMBER))
			return NULL;
		if (p->tok.kind != TK_STRING)
		{
			syntax_error(p, &p->tok, HINT_AGE,
						 "expected a field name in quotes after \"AGE (\".");
			return NULL;
		}
		if (p->tok.vlen == 0)
		{
			value_error(p, p->tok.start, HINT_AGE, "empty field name after AGE in filter",
						"AGE ('') names no field.");
			return NULL;
		}
		if (!filter_key_parse(p->a, p->tok.val, p->tok.vlen, false, &node->key, p->err))
		{
			int			pos = char_pos(p, p->tok.start);

			p->err->position = pos;
			filter_error_detail(p->err,
								"At character %d of the filter: the field name of AGE is not a valid flat key.",
								pos);
			return NULL;
		}
		if (!advance(p, LEX_MEMBER))
			return NULL;
		if (p->tok.kind != TK_RPAREN)
		{
			syntax_error(p, &p->tok, HINT_AGE, "expected \")\" after the field name.");
			return NULL;
		}
		if (!advance(p, LEX_MEMBER))
			return NULL;
	}
	node->cmp = cmp_op(p->tok.kind);
	if (node->cmp == FOP_TRUE)
	{
		syntax_error(p, &p->tok, HINT_AGE, "expected a comparison operator after \"%s\".",
					 tok_text(p, &p->prev, text));
		return NULL;
	}
	node->nvalues = 1;
	node->values = filter_alloc(p->a, sizeof(FilterValue));
	if (!advance(p, LEX_VALUE) ||
		!expect_number(p, &node->values[0], "a number of milliseconds", HINT_AGE) ||
		!advance(p, LEX_MEMBER))
		return NULL;
	return node;
}

/* One atom at the current token. */
static FilterNode *
parse_atom(TextParser *p)
{
	Keyword		kw = keyword_of(p, &p->tok);
	char		after[FILTER_CLIP_BUF];
	FilterNode *node;
	size_t		mstart,
				mend;

	switch (kw)
	{
		case KW_EXISTS:
			node = filter_node(p->a, FOP_EXISTS);
			node->position = char_pos(p, p->tok.start);
			if (!advance(p, LEX_MEMBER) || !not_keyword_member(p))
				return NULL;
			if (!at_member(p))
			{
				member_error(p);
				return NULL;
			}
			if (!parse_member(p, &node->key, &mstart, &mend))
				return NULL;
			return node;
		case KW_MATCHES:
			{
				int			position = char_pos(p, p->tok.start);

				tok_text(p, &p->tok, after);
				if (!advance(p, LEX_MEMBER) || !not_keyword_member(p) ||
					!expect_regex(p, after))
					return NULL;
				node = regex_node(p, NULL, position);
				return advance(p, LEX_MEMBER) ? node : NULL;
			}
		case KW_AGE:
			return parse_age(p);
		default:
			break;
	}
	if (at_member(p))
		return parse_comparison(p);
	if (p->tok.kind == TK_BADSEG || (is_reserved(kw) && kw != KW_AND && kw != KW_OR))
	{
		member_error(p);
		return NULL;
	}
	if (p->tok.kind == TK_STRING)
	{
		syntax_error(p, &p->tok, HINT_SEGMENT, "member names are written without quotes.");
		return NULL;
	}
	if (p->tok.kind == TK_BANG)
	{
		syntax_error(p, &p->tok, HINT_NEGATE, "a condition is negated with NOT, not \"!\".");
		return NULL;
	}
	if (p->tok.kind == TK_OTHER && (unsigned char) p->s[p->tok.start] >= 0x80)
	{
		syntax_error(p, &p->tok, HINT_SEGMENT,
					 "\"%s\" cannot be part of a member name outside backquotes.",
					 tok_text(p, &p->tok, after));
		return NULL;
	}
	if (p->has_prev)
		syntax_error(p, &p->tok, HINT_CONDITION, "expected a condition after \"%s\".",
					 tok_text(p, &p->prev, after));
	else
		syntax_error(p, &p->tok, HINT_CONDITION, "expected a condition.");
	return NULL;
}

/* Enter one level of nesting at the current token. */
static bool
nest(TextParser *p)
{
	if (++p->depth > FILTER_MAX_DEPTH)
	{
		filter_error(p->err, FILTER_ERR_LIMIT, char_pos(p, p->tok.start), NULL,
					 "filter is nested too deeply");
		filter_error_detail(p->err, "The maximum nesting depth is %d.", FILTER_MAX_DEPTH);
		return false;
	}
	return true;
}

/* unary := NOT unary | '(' or ')' | atom */
static FilterNode *
parse_unary(TextParser *p)
{
	FilterNode *node;

	if (keyword_of(p, &p->tok) == KW_NOT)
	{
		if (!nest(p) || !advance(p, LEX_MEMBER) || !not_keyword_member(p))
			return NULL;
		node = parse_unary(p);
		p->depth--;
		return node ? filter_not(p->a, node) : NULL;
	}
	if (p->tok.kind == TK_LPAREN)
	{
		int			open = char_pos(p, p->tok.start);

		if (!nest(p) || !advance(p, LEX_MEMBER))
			return NULL;
		node = parse_or(p);
		if (!node)
			return NULL;
		if (p->tok.kind != TK_RPAREN)
		{
			syntax_error(p, &p->tok, HINT_COMBINE,
						 "expected &&, ||, AND, OR or \")\" to close the \"(\" at character %d.",
						 open);
			return NULL;
		}
		p->depth--;
		return advance(p, LEX_MEMBER) ? node : NULL;
	}
	return parse_atom(p);
}

/* and := unary (('&&' | AND) unary)* */
static FilterNode *
parse_and(TextParser *p)
{
	NodeVec		args = {NULL, 0, 0};
	FilterNode *node = parse_unary(p);

	if (!node)
		return NULL;
	while (p->tok.kind == TK_AND || keyword_of(p, &p->tok) == KW_AND)
	{
		nodevec_push(p->a, &args, node);
		if (!advance(p, LEX_MEMBER))
			return NULL;
		node = parse_unary(p);
		if (!node)
			return NULL;
	}
	if (args.n == 0)
		return node;
	nodevec_push(p->a, &args, node);
	return filter_logic(p->a, FOP_AND, args.items, (int) args.n);
}

/* or := and (('||' | OR) and)* */
static FilterNode *
parse_or(TextParser *p)
{
	NodeVec		args = {NULL, 0, 0};
	FilterNode *node = parse_and(p);

	if (!node)
		return NULL;
	while (p->tok.kind == TK_OR || keyword_of(p, &p->tok) == KW_OR)
	{
		nodevec_push(p->a, &args, node);
		if (!advance(p, LEX_MEMBER))
			return NULL;
		node = parse_and(p);
		if (!node)
			return NULL;
	}
	if (args.n == 0)
		return node;
	nodevec_push(p->a, &args, node);
	return filter_logic(p->a, FOP_OR, args.items, (int) args.n);
}

/* Report the first byte that is not valid UTF-8 (or a NUL byte). */
static bool
utf8_error(TextParser *p)
{
	size_t		i = 0;

	while (i < p->len)
	{
		size_t		n = filter_utf8_char_len((unsigned char) p->s[i]);

		if ((unsigned char) p->s[i] >= 0x80 && (unsigned char) p->s[i] < 0xC0)
			n = 1;
		if (i + n > p->len || !filter_utf8_valid(p->s + i, n))
			break;
		i += n;
	}
	if (i < p->len && p->s[i] == '\0')
		return value_error(p, i, "Filters are text in UTF-8.",
						   "filter is not valid UTF-8",
						   "the filter contains a NUL byte.");
	return value_error(p, i, "Filters are text in UTF-8.",
					   "filter is not valid UTF-8",
					   "the byte 0x%02x does not start a valid UTF-8 character.",
					   i < p->len ? (unsigned char) p->s[i] : 0);
}

/*
 * Parse a filter of the flowthings language.  Empty or all-whitespace text
 * is TRUE.  Returns a normalized tree, or NULL with err set.
 */
FilterNode *
filter_parse_text(FilterAlloc *a, const char *s, size_t len, FilterError *err)
{
	TextParser	p;
	FilterNode *node;

	memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.s = s;
	p.len = len;
	p.err = err;
	p.cur_pos = 1;
	if (!filter_utf8_valid(s, len))
	{
		utf8_error(&p);
		return NULL;
	}
	if (!advance(&p, LEX_MEMBER))
		return NULL;
	if (p.tok.kind == TK_EOF)
		return filter_node(a, FOP_TRUE);
	node = parse_or(&p);
	if (!node)
		return NULL;
	if (p.tok.kind != TK_EOF)
	{
		if (p.tok.kind == TK_RPAREN)
			syntax_error(&p, &p.tok, HINT_COMBINE, "\")\" has no matching \"(\".");
		else
			syntax_error(&p, &p.tok, HINT_COMBINE,
						 "expected &&, ||, AND, OR or the end of the filter.");
		return NULL;
	}
	return filter_check_depth(p.err, filter_normalize(a, node));
}
